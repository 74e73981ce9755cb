# correct without im2col: loop over the kh*kw kernel offsets, each a strided slice of the padded batch
import numpy as np


def _padded(x, pad):
    n, c, h, w = x.shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    return xp


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (width + 2 * pad - kw) // stride + 1
    xp = _padded(x, pad)
    out = np.zeros((n, f, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b.reshape(1, f, 1, 1)


def conv_backward(dout, x, w, stride=1, pad=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    oh, ow = dout.shape[2:]
    xp = _padded(x, pad)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(kh):
        for j in range(kw):
            window = (slice(None), slice(None), slice(i, i + stride * oh, stride),
                      slice(j, j + stride * ow, stride))
            dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", dout, xp[window])
            dxp[window] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    db = np.einsum("nfhw->f", dout)
    return dxp[:, :, pad:pad + h, pad:pad + width], dw, db
