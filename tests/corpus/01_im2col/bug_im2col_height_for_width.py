# im2col uses the height for both axes: only right on square images (mistakes 1 and 16)
# message: im2col; raised ValueError
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(h, kw, stride, pad)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    rows = []
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                rows.append(xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw].reshape(-1))
    return np.array(rows)
