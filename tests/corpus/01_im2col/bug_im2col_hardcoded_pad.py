# im2col always pads by 1, whatever pad says: passes the 3x3 "same" examples only (mistake 16)
# message: im2col; pad 0; values differ
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    xp = np.zeros((n, c, h + 2, w + 2), dtype=x.dtype)
    xp[:, :, 1:1 + h, 1:1 + w] = x
    rows = [xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw].reshape(-1)
            for i in range(n) for r in range(oh) for s in range(ow)]
    return np.array(rows)
