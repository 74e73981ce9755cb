# correct: im2col rows viewed as 6-D windows and contracted with einsum; col2im for dx
import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    windows = im2col(x, kh, kw, stride, pad).reshape(n, oh, ow, c, kh, kw)
    return np.einsum("nhwcij,fcij->nfhw", windows, w) + b[None, :, None, None]


def conv_backward(dout, x, w, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    oh, ow = dout.shape[2:]
    windows = im2col(x, kh, kw, stride, pad).reshape(n, oh, ow, c, kh, kw)
    dw = np.einsum("nfhw,nhwcij->fcij", dout, windows)
    dwindows = np.einsum("nfhw,fcij->nhwcij", dout, w)
    dx = col2im(dwindows.reshape(n * oh * ow, c * kh * kw), x.shape, kh, kw, stride, pad)
    return dx, dw, np.sum(dout, axis=(0, 2, 3))
