# im2col places windows at every pixel: the stride only shrinks the count (mistake 2)
# message: im2col; stride 2; values differ
import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    rows = []
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                rows.append(xp[i, :, r:r + kh, s:s + kw].reshape(-1))
    return np.array(rows)
