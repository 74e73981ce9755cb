# correct and fast, the tuned form: filters first (F, N*OH*OW) so BLAS reads cols.T without a
# copy, db as a matrix-vector product, the biggest arrays freed early
import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)                   # (N*OH*OW, C*kh*kw)
    # the transpose of cols @ w.reshape(f, -1).T, filters first: BLAS reads cols.T without a
    # copy, and out is then NCHW after one transpose of its first two axes
    out = w.reshape(f, -1) @ cols.T                          # (F, N*OH*OW)
    out += b[:, None]
    return out.reshape(f, n, oh, ow).transpose(1, 0, 2, 3)


def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, pad)                    # X: (N*OH*OW, C*kh*kw)
    grad = dout.transpose(1, 0, 2, 3).reshape(f, -1)         # G.T: (F, N*OH*OW)
    # the row sums of G.T as a matrix-vector product: BLAS uses every core, NumPy's sum one
    db = grad @ np.ones(grad.shape[1], dtype=grad.dtype)
    dw = (grad @ cols).reshape(w.shape)                      # G.T X
    del cols                                                 # the biggest array: freed before dcols
    dcols = (w.reshape(f, -1).T @ grad).T                    # G V, computed as (V.T G.T).T like cols
    del grad
    dx = col2im(dcols, x.shape, kh, kw, stride, pad)
    return dx, dw, db
