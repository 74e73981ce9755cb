# forward reshapes (N, C, H, W) straight to (N, C, OH, OW, k, k): right shape, scrambled windows (mistake 8)
# message: maxpool_forward; values differ
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    blocks = x[:, :, :oh * size, :ow * size].reshape(n, c, oh, ow, size, size)
    return blocks.max(axis=(4, 5))
