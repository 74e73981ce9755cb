"""Fast reference layers: the tuned code, kept out of the notebooks' solutions.

They stand in for a student's earlier functions wherever speed matters: in the
checks of the whole model (06_cnn) and when a later notebook (06, 07) is graded
without the student's earlier one, so a whole training run fits the cell timeout.
The solutions in source/ show the clearest form of what each notebook teaches; these
are what the benchmark (benchmarks/) measures as "tuned" beside them. They share no
code with the solutions and are tested against the loop references of
autograder/checks/ (tests/test_reference_layers.py).
"""

import numpy as np


def _size(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def _strip_range(j, w, ow, stride, pad):
    """(lo, hi): the output columns s whose kernel column j reads x column j + stride*s - pad
    inside x; the others read padding."""
    lo = max(0, -((j - pad) // stride))
    return lo, max(lo, min(ow, (w - 1 + pad - j) // stride + 1))


def _columns(x, kh, kw, stride, pad):
    """The im2col matrix transposed, (C*kh*kw, N*OH*OW): columns (c, i, j) as rows, windows
    (n, oh, ow) as columns, the layout in which the convolution's products read it without a copy.

    Copying a window view is slow when its rows are short (OW numbers each), so it copies in
    two steps. 1: for each kernel column j, the OW columns that windows read there, channels
    first, rows whole: strips[c, j, n, r, s] = padded x[n, c, r, j + stride*s - pad], filled
    from x itself, so zeros stay where windows read padding (no padded copy of x). With stride
    1 and OW == W ("same" padding, the usual case) a strip is x shifted by j - pad, one flat
    copy of H*W numbers per image and channel instead of one short copy per row. 2: kernel
    row i of every window is rows i, i + stride, ... of a strip, for all kernel columns at once.
    """
    n, c, h, w = x.shape
    oh, ow = _size(h, kh, stride, pad), _size(w, kw, stride, pad)
    strips = np.zeros((c, kw, n, h + 2 * pad, ow), dtype=x.dtype)
    xt = x.transpose(1, 0, 2, 3)
    same = stride == 1 and ow == w
    if same:
        flat_strips = strips.reshape(c, kw, n, -1)[..., pad * w:(pad + h) * w]
        flat_x = xt.reshape(c, n, h * w)
    for j in range(kw):
        lo, hi = _strip_range(j, w, ow, stride, pad)
        if same:
            shift = j - pad
            flat_strips[:, j, :, max(0, -shift):h * w - max(0, shift)] = \
                flat_x[..., max(0, shift):h * w - max(0, -shift)]
            # what the flat shift brought in from a neighbouring row is where windows read padding
            strips[:, j, :, pad:pad + h, :lo] = 0
            strips[:, j, :, pad:pad + h, hi:] = 0
        else:
            first = j + stride * lo - pad
            strips[:, j, :, pad:pad + h, lo:hi] = xt[..., first:first + stride * (hi - lo):stride]
    columns = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        columns[:, i] = strips[:, :, :, i:i + stride * oh:stride]
    return columns.reshape(c * kh * kw, n * oh * ow)


def _add_columns(columns, x_shape, kh, kw, stride, pad):
    """The adjoint of _columns: each of its columns summed back into its window, (N, C, H, W).
    _columns' two copies undone in reverse order, adding where it copied."""
    n, c, h, w = x_shape
    oh, ow = _size(h, kh, stride, pad), _size(w, kw, stride, pad)
    windows = columns.reshape(c, kh, kw, n, oh, ow)
    strips = np.zeros((c, kw, n, h + 2 * pad, ow), dtype=columns.dtype)
    for i in range(kh):
        strips[:, :, :, i:i + stride * oh:stride] += windows[:, i]
    x = np.zeros((c, n, h, w), dtype=columns.dtype)
    same = stride == 1 and ow == w
    if same:
        flat_strips = strips.reshape(c, kw, n, -1)[..., pad * w:(pad + h) * w]
        flat_x = x.reshape(c, n, h * w)
    for j in range(kw):
        lo, hi = _strip_range(j, w, ow, stride, pad)
        if same:
            # cleared first, so that nothing read from padding is shifted into a neighbouring row
            strips[:, j, :, pad:pad + h, :lo] = 0
            strips[:, j, :, pad:pad + h, hi:] = 0
            shift = j - pad
            flat_x[..., max(0, shift):h * w - max(0, -shift)] += \
                flat_strips[:, j, :, max(0, -shift):h * w - max(0, shift)]
        else:
            first = j + stride * lo - pad
            x[..., first:first + stride * (hi - lo):stride] += strips[:, j, :, pad:pad + h, lo:hi]
    return x.transpose(1, 0, 2, 3)


def ref_conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    # filters first, (F, N*OH*OW): BLAS reads the columns as they are, and the output is NCHW
    # after one transpose of its first two axes
    out = w.reshape(f, -1) @ _columns(x, kh, kw, stride, pad)
    out += b[:, None]
    return out.reshape(f, n, _size(h, kh, stride, pad), _size(width, kw, stride, pad)) \
        .transpose(1, 0, 2, 3)


def ref_conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    columns = _columns(x, kh, kw, stride, pad)                # X.T: (C*kh*kw, N*OH*OW)
    grad = dout.transpose(1, 0, 2, 3).reshape(f, -1)          # G.T: (F, N*OH*OW)
    # the row sums of G.T as a matrix-vector product: BLAS uses every core, NumPy's sum one
    db = grad @ np.ones(grad.shape[1], dtype=grad.dtype)
    dw = (grad @ columns.T).reshape(w.shape)
    del columns                                               # the biggest array, freed first
    dcolumns = w.reshape(f, -1).T @ grad
    del grad
    return _add_columns(dcolumns, x.shape, kh, kw, stride, pad), dw, db


def _offsets(x, size, stride):
    """Element (i, j) of every pooling window, row-major: strided views of shape (N, C, OH, OW)."""
    oh, ow = _size(x.shape[2], size, stride, 0), _size(x.shape[3], size, stride, 0)
    return [((i, j), x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride])
            for i in range(size) for j in range(size)]


def ref_maxpool_forward(x, size=2, stride=2):
    offsets = iter(_offsets(x, size, stride))
    out = next(offsets)[1].copy()
    for _, element in offsets:
        np.maximum(out, element, out=out)
    return out


def ref_maxpool_backward(dout, x, size=2, stride=2):
    out = ref_maxpool_forward(x, size, stride)
    oh, ow = out.shape[2:]
    dx = np.zeros_like(x)
    open_ = np.ones(out.shape, dtype=bool)            # windows whose first maximum is still ahead
    first = np.empty(out.shape, dtype=bool)
    routed = np.empty_like(dout)                       # buffers reused for every offset
    for (i, j), element in _offsets(x, size, stride):
        np.equal(element, out, out=first)
        first &= open_
        np.multiply(first, dout, out=routed)
        target = dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
        if size <= stride:
            target[...] = routed                       # windows apart: each element written once
        else:
            target += routed
        open_ &= ~first
    return dx


def ref_relu_forward(x):
    return np.maximum(x, 0)


def ref_relu_backward(dout, x):
    return np.where(x > 0, dout, 0)


def ref_flatten_forward(x):
    return x.reshape(x.shape[0], -1)


def ref_flatten_backward(dout, x_shape):
    return dout.reshape(x_shape)


def ref_dense_forward(x, w, b):
    return x @ w + b


def ref_dense_backward(dout, x, w):
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def ref_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ref_cross_entropy_loss(z, y):
    n = len(y)
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dz = np.exp(log_probs)
    dz[np.arange(n), y] -= 1
    return -log_probs[np.arange(n), y].mean(), dz / n


LAYERS = {f.__name__[4:]: f for f in (
    ref_conv_forward, ref_conv_backward, ref_maxpool_forward, ref_maxpool_backward,
    ref_relu_forward, ref_relu_backward, ref_flatten_forward, ref_flatten_backward,
    ref_dense_forward, ref_dense_backward, ref_softmax, ref_cross_entropy_loss)}
