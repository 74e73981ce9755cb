# correct, with helpers of its own named im2col and col2im in the course's signature but the
# other column order (one column per window, as Caffe stores it), used consistently: the
# grader must not put the course's im2col in their place
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, i, j] = xp[:, :, i:i + stride * oh:stride,
                               j:j + stride * ow:stride].transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    blocks = cols.reshape(c, kh, kw, n, oh, ow)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += \
                blocks[:, i, j].transpose(1, 0, 2, 3)
    return xp[:, :, pad:pad + h, pad:pad + w]


def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh, ow = (h + 2 * pad - kh) // stride + 1, (width + 2 * pad - kw) // stride + 1
    out = w.reshape(f, -1) @ im2col(x, kh, kw, stride, pad) + b.reshape(f, 1)
    return out.reshape(f, n, oh, ow).transpose(1, 0, 2, 3)


def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    cols = im2col(x, kh, kw, stride, pad)
    dw = (grad @ cols.T).reshape(w.shape)
    dx = col2im(w.reshape(f, -1).T @ grad, x.shape, kh, kw, stride, pad)
    return dx, dw, dout.sum(axis=(0, 2, 3))
