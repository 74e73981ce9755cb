# correct: windows from sliding_window_view; backward with argmax and np.add.at (which adds repeated indices)
import numpy as np


def _windows(x, size, stride):
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))
    return windows[:, :, ::stride, ::stride]


def maxpool_forward(x, size=2, stride=2):
    return _windows(x, size, stride).max(axis=(4, 5))


def maxpool_backward(dout, x, size=2, stride=2):
    windows = _windows(x, size, stride)
    n, c, oh, ow = windows.shape[:4]
    i, j = np.unravel_index(windows.reshape(n, c, oh, ow, -1).argmax(axis=4), (size, size))
    b, ch, r, s = np.indices((n, c, oh, ow))
    dx = np.zeros_like(x)
    np.add.at(dx, (b, ch, r * stride + i, s * stride + j), dout)
    return dx
