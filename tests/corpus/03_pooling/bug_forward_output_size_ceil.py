# forward rounds the number of windows up: a partial window at the border becomes an extra output row/column (mistake 1)
# message: maxpool_forward; shape (1, 2, 4, 5); (H - size) // stride + 1
import math

import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = math.ceil((h - size) / stride) + 1
    ow = math.ceil((w - size) / stride) + 1
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for r in range(oh):
        for s in range(ow):
            out[:, :, r, s] = x[:, :, r * stride:r * stride + size, s * stride:s * stride + size].max(axis=(2, 3))
    return out
