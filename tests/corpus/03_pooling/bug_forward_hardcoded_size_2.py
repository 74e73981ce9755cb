# forward hard-codes 2x2 windows with stride 2, ignoring size and stride (mistake 16)
# message: maxpool_forward; size 3; shape (2, 1, 3, 4)
import numpy as np


def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    x = x[:, :, :h // 2 * 2, :w // 2 * 2]
    top = np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2])
    bottom = np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2])
    return np.maximum(top, bottom)
