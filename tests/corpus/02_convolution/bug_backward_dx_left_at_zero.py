# dx never computed (the col2im step is missing): all zeros (mistake 13)
# message: conv_backward; dx; all zeros
import numpy as np


def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = grad_rows.sum(axis=0)
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = np.zeros_like(x)
    return dx, dw, db
