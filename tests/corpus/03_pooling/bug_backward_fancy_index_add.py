# backward routes with fancy-index += : repeated indices are written once, overlapping wins are lost (mistake 6)
# message: maxpool_backward; add (+=), never assign (=)
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = dout.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :oh, :ow]
    i, j = np.unravel_index(windows.reshape(n, c, oh, ow, -1).argmax(axis=4), (size, size))
    b, ch, r, s = np.indices((n, c, oh, ow))
    dx = np.zeros_like(x)
    dx[b, ch, r * stride + i, s * stride + j] += dout
    return dx
