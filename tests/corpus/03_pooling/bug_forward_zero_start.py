# forward starts the running maximum at 0: windows of negative numbers pool to 0 (mistake 16, an assumption that holds after ReLU only)
# message: maxpool_forward; got 0
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = (h - size) // stride + 1
    ow = (w - size) // stride + 1
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for i in range(size):
        for j in range(size):
            out = np.maximum(out, x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride])
    return out
