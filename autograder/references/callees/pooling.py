"""maxpool_forward, which maxpool_backward may call. It loops over every window."""

import numpy as np


def _output_size(size, k, stride):
    return (size - k) // stride + 1


def ref_maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = _output_size(h, size, stride), _output_size(w, size, stride)
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for i in range(n):
        for k in range(c):
            for r in range(oh):
                for s in range(ow):
                    window = x[i, k, r * stride:r * stride + size, s * stride:s * stride + size]
                    out[i, k, r, s] = window.max()
    return out
