# correct: im2col with sliding_window_view, col2im with np.add.at on explicit indices
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :oh, :ow]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    rows = np.arange(oh)[:, None, None, None] * stride + np.arange(kh)[None, None, :, None]
    columns = np.arange(ow)[None, :, None, None] * stride + np.arange(kw)[None, None, None, :]
    rows, columns = np.broadcast_arrays(rows, columns)
    windows = cols.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    np.add.at(padded, (slice(None), slice(None), rows, columns), windows)
    return padded[:, :, pad:pad + h, pad:pad + w]
