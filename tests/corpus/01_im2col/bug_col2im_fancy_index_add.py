# col2im with fancy-index += : repeated indices are written once, overlaps are lost (mistake 6)
# message: col2im; values differ
import numpy as np


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    hp, wp = h + 2 * pad, w + 2 * pad
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    padded = np.zeros((n, c, hp, wp), dtype=cols.dtype)
    rows = (np.arange(oh)[:, None, None, None] * stride + np.arange(kh)[None, None, :, None])
    columns = (np.arange(ow)[None, :, None, None] * stride + np.arange(kw)[None, None, None, :])
    rows, columns = np.broadcast_arrays(rows, columns)
    windows = cols.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    padded[:, :, rows, columns] += windows
    return padded[:, :, pad:pad + h, pad:pad + w]
