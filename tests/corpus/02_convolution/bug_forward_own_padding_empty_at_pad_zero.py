# pads by itself with x[:, :, p:-p, p:-p], which is empty when pad == 0 (mistake 4)
# message: conv_forward; pad 0; raised ValueError
import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * pad, width + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:-pad, pad:-pad] = x
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    cols = im2col(xp, kh, kw, stride, 0)
    rows = cols @ w.reshape(f, -1).T + b
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
