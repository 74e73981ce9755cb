# correct but slow: loops over every window; np.argmax returns the first maximum in row-major order
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = (h - size) // stride + 1
    ow = (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for b in range(n):
        for ch in range(c):
            for r in range(oh):
                for s in range(ow):
                    out[b, ch, r, s] = np.max(x[b, ch, r * stride:r * stride + size,
                                                 s * stride:s * stride + size])
    return out


def maxpool_backward(dout, x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = dout.shape[2:]
    dx = np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for r in range(oh):
                for s in range(ow):
                    window = x[b, ch, r * stride:r * stride + size, s * stride:s * stride + size]
                    i, j = np.unravel_index(np.argmax(window), window.shape)
                    dx[b, ch, r * stride + i, s * stride + j] += dout[b, ch, r, s]
    return dx
