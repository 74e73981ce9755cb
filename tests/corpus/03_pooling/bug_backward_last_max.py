# backward scans each window with >=, so the LAST tied maximum takes the gradient (mistake 7)
# message: maxpool_backward; tied
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = dout.shape[2:]
    dx = np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for r in range(oh):
                for s in range(ow):
                    window = x[b, ch, r * stride:r * stride + size, s * stride:s * stride + size]
                    best, where = -np.inf, (0, 0)
                    for i in range(size):
                        for j in range(size):
                            if window[i, j] >= best:
                                best, where = window[i, j], (i, j)
                    dx[b, ch, r * stride + where[0], s * stride + where[1]] += dout[b, ch, r, s]
    return dx
