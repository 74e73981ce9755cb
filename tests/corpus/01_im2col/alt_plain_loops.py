# correct but slow: loops over every window, the definition written out
import numpy as np


def conv_output_size(size, k, stride=1, pad=0):
    return int(np.floor((size + 2 * pad - k) / stride)) + 1


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    cols = np.zeros((n * oh * ow, c * kh * kw), dtype=x.dtype)
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                cols[(i * oh + r) * ow + s] = xp[i, :, r * stride:r * stride + kh,
                                                  s * stride:s * stride + kw].ravel()
    return cols


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw] += \
                    cols[(i * oh + r) * ow + s].reshape(c, kh, kw)
    return xp[:, :, pad:pad + h, pad:pad + w]
