# backward fills dx but forgets to return it (mistake 13)
# message: maxpool_backward; returned None
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    out = maxpool_forward(x, size, stride)
    oh, ow = out.shape[2:]
    dx = np.zeros_like(x)
    unrouted = np.ones(out.shape, dtype=bool)
    for i in range(size):
        for j in range(size):
            rows = slice(i, i + stride * oh, stride)
            cols = slice(j, j + stride * ow, stride)
            first = unrouted & (x[:, :, rows, cols] == out)
            dx[:, :, rows, cols] += first * dout
            unrouted &= ~first
