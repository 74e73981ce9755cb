# im2col pads all four axes with np.pad(x, pad): batch and channels grow too (mistake 3)
# message: im2col; shape (140, 45)
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    xp = np.pad(x, pad)
    n, c, hp, wp = xp.shape
    oh = (hp - kh) // stride + 1
    ow = (wp - kw) // stride + 1
    rows = []
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                rows.append(xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw].reshape(-1))
    return np.array(rows)
