# correct and fast, the tuned form: im2col copied in strips with flat shifts for "same"
# padding, returned as the transpose of a (C*kh*kw, N*OH*OW) array; col2im its adjoint
import numpy as np


def conv_output_size(size, k, stride=1, pad=0):
    return (size + 2 * pad - k) // stride + 1


def im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    # Copying a window view is slow when its rows are short (OW numbers each), so copy in two
    # steps. 1: for each kernel column j, the OW columns that windows read there, channels
    # first, rows kept whole: strips[c, j, n, r, s] = padded x[n, c, r, j + stride*s].
    # Filled from x itself, so zeros stay where windows read padding: no padded copy of x.
    strips = np.zeros((c, kw, n, h + 2 * pad, ow), dtype=x.dtype)
    xt = x.transpose(1, 0, 2, 3)                             # channels first, like the strips
    # With stride 1 and OW == W ("same" padding, the usual case) a strip's rows are as long as
    # x's, so each strip is x shifted by j - pad as one flat array of H*W numbers per image and
    # channel: one long copy instead of one short copy per row.
    same = stride == 1 and ow == w
    if same:
        flat_strips = strips.reshape(c, kw, n, -1)[..., pad * w:(pad + h) * w]
        flat_x = xt.reshape(c, n, h * w)
    for j in range(kw):
        # strip column s reads x column j + stride*s - pad, inside x for s in lo..hi-1
        lo = max(0, -((j - pad) // stride))
        hi = max(lo, min(ow, (w - 1 + pad - j) // stride + 1))
        if same:
            shift = j - pad
            flat_strips[:, j, :, max(0, -shift):h * w - max(0, shift)] = \
                flat_x[..., max(0, shift):h * w - max(0, -shift)]
            # the numbers shifted in from a neighbouring row are where windows read padding
            strips[:, j, :, pad:pad + h, :lo] = 0
            strips[:, j, :, pad:pad + h, hi:] = 0
        else:
            first = j + stride * lo - pad
            strips[:, j, :, pad:pad + h, lo:hi] = xt[..., first:first + stride * (hi - lo):stride]
    # 2: kernel row i of every window is rows i, i + stride, ... of a strip, for all kernel
    # columns at once: whole (OH, OW) blocks when stride is 1. Columns (c, i, j) first, rows
    # (n, oh, ow) next, so cols is the transpose of this copy: the matrix products of a
    # convolution read it as it is.
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        cols[:, i] = strips[:, :, :, i:i + stride * oh:stride]
    return cols.reshape(c * kh * kw, n * oh * ow).T


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(w, kw, stride, pad)
    # windows[c, i, j, n, oh, ow] is the number of column (c, i, j) of window (n, oh, ow)
    windows = cols.reshape(n, oh, ow, c, kh, kw).transpose(3, 4, 5, 0, 1, 2)
    # im2col's two copies undone in reverse order, adding where im2col copied (see there):
    # 1: kernel row i goes back into rows i, i + stride, ... of strip (c, j)
    strips = np.zeros((c, kw, n, h + 2 * pad, ow), dtype=cols.dtype)
    for i in range(kh):
        strips[:, :, :, i:i + stride * oh:stride] += windows[:, i]
    # 2: strip j goes back into the columns it was cut from; its padding rows and columns are
    # dropped. x is channels first like the strips, with a flat view for the "same" case.
    x = np.zeros((c, n, h, w), dtype=cols.dtype)
    same = stride == 1 and ow == w
    if same:
        flat_strips = strips.reshape(c, kw, n, -1)[..., pad * w:(pad + h) * w]
        flat_x = x.reshape(c, n, h * w)
    for j in range(kw):
        # as in im2col: strip column s came from x column j + stride*s - pad for s in lo..hi-1
        lo = max(0, -((j - pad) // stride))
        hi = max(lo, min(ow, (w - 1 + pad - j) // stride + 1))
        if same:
            # cleared first, so that nothing from the padding is shifted into a neighbouring row
            strips[:, j, :, pad:pad + h, :lo] = 0
            strips[:, j, :, pad:pad + h, hi:] = 0
            shift = j - pad
            flat_x[..., max(0, shift):h * w - max(0, -shift)] += \
                flat_strips[:, j, :, max(0, -shift):h * w - max(0, shift)]
        else:
            first = j + stride * lo - pad
            x[..., first:first + stride * (hi - lo):stride] += strips[:, j, :, pad:pad + h, lo:hi]
    return x.transpose(1, 0, 2, 3)
