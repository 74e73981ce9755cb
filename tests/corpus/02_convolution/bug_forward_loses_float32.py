# loops over kernel offsets into a float64 buffer: float32 inputs come back as float64 (mistake 14)
# message: conv_forward keeps float32; dtype float64
import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b[:, None, None]
