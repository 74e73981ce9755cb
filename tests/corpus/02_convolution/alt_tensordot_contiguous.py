# correct: tensordot instead of @, contiguous NCHW output, gradients in the (F, K) layout first
import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    X_col = im2col(x, HH, WW, stride=stride, pad=pad)
    W_row = w.reshape(F, C * HH * WW)
    out = np.tensordot(W_row, X_col, axes=([1], [1]))       # (F, N*H_out*W_out)
    out += b.reshape(F, 1)
    out = out.reshape(F, N, H_out, W_out)
    return np.ascontiguousarray(out.transpose(1, 0, 2, 3))


def conv_backward(dout, x, w, stride=1, pad=0):
    F, C, HH, WW = w.shape
    dout_mat = np.moveaxis(dout, 1, 0).reshape(F, -1)         # (F, N*H_out*W_out)
    X_col = im2col(x, HH, WW, stride=stride, pad=pad)
    db = dout_mat.sum(axis=1)
    dw = np.tensordot(dout_mat, X_col, axes=([1], [0])).reshape(F, C, HH, WW)
    dX_col = np.tensordot(dout_mat, w.reshape(F, -1), axes=([0], [0]))
    dx = col2im(dX_col, x.shape, HH, WW, stride=stride, pad=pad)
    return dx, dw, db
