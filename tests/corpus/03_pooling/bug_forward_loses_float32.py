# forward builds its output with np.zeros(shape): float32 input comes back as float64 (mistake 14)
# message: maxpool_forward keeps float32; dtype float64
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = (h - size) // stride + 1
    ow = (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for r in range(oh):
        for s in range(ow):
            out[:, :, r, s] = x[:, :, r * stride:r * stride + size, s * stride:s * stride + size].max(axis=(2, 3))
    return out
