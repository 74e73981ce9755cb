"""Fast, vectorised reference layers (sliding windows and einsum).

They stand in for a student's earlier functions wherever speed matters: in the
checks of the whole model (06_cnn) and when a later notebook is graded without
the student's earlier one. They share no code with the notebooks' solutions and
are tested against the loop references of autograder/checks/.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, kh, kw, stride, pad):
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    padded[:, :, pad:pad + h, pad:pad + w] = x
    return padded, sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def ref_conv_forward(x, w, b, stride=1, pad=0):
    _, windows = _windows(x, w.shape[2], w.shape[3], stride, pad)
    return np.einsum("nchwij,fcij->nfhw", windows, w, optimize=True) + b[None, :, None, None]


def ref_conv_backward(dout, x, w, stride=1, pad=0):
    kh, kw = w.shape[2:]
    padded, windows = _windows(x, kh, kw, stride, pad)
    oh, ow = dout.shape[2:]
    dpadded = np.zeros_like(padded)
    for i in range(kh):
        for j in range(kw):
            dpadded[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, i, j])
    h, wd = x.shape[2:]
    dx = dpadded[:, :, pad:pad + h, pad:pad + wd]
    dw = np.einsum("nfhw,nchwij->fcij", dout, windows, optimize=True)
    return dx, dw, dout.sum(axis=(0, 2, 3))


def ref_maxpool_forward(x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5))


def ref_maxpool_backward(dout, x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    n, c, oh, ow = windows.shape[:4]
    first = windows.reshape(n, c, oh, ow, size * size).argmax(axis=-1)  # first maximum wins
    dx = np.zeros_like(x)
    for k in range(size * size):
        i, j = divmod(k, size)
        dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += np.where(first == k, dout, 0)
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
