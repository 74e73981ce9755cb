# forward places windows every `size` pixels whatever the stride (assumes stride == size) (mistake 2)
# message: maxpool_forward; stride 2; windows start every `stride` pixels
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh = (h - size) // stride + 1
    ow = (w - size) // stride + 1
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for r in range(oh):
        for s in range(ow):
            out[:, :, r, s] = x[:, :, r * size:r * size + size, s * size:s * size + size].max(axis=(2, 3))
    return out
