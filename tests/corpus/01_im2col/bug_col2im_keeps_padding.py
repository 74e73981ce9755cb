# col2im returns the padded image: the border is never cut off (mistake 3)
# message: col2im; shape (2, 3, 9, 7); padding is cut off
import numpy as np


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    windows = cols.reshape(n, oh, ow, c, kh, kw)
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for r in range(oh):
        for s in range(ow):
            padded[:, :, r * stride:r * stride + kh, s * stride:s * stride + kw] += windows[:, r, s]
    return padded
