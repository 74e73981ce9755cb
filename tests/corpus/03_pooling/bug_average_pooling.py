# average pooling instead of max pooling: the mean of each window, and its gradient spread evenly over the window
# message: maxpool_forward; values differ
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = (h - size) // stride + 1
    ow = (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for i in range(size):
        for j in range(size):
            out += x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return out / (size * size)


def maxpool_backward(dout, x, size=2, stride=2):
    oh, ow = dout.shape[2:]
    dx = np.zeros_like(x)
    for i in range(size):
        for j in range(size):
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += dout / (size * size)
    return dx
