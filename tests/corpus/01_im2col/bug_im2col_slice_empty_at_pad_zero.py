# im2col fills the padded image with xp[:, :, p:-p, p:-p] = x, an empty slice when pad == 0 (mistake 4)
# message: im2col; pad 0; raised ValueError
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:-pad, pad:-pad] = x
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :oh, :ow]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, -1)
