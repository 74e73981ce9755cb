# dense_backward keeps a dw buffer per weight shape and never resets it: gradients add up across calls (mistake 18)
# message: dense_backward; dw; values differ
import numpy as np

_dw_buffers = {}


def dense_backward(dout, x, w):
    dw = _dw_buffers.setdefault(w.shape, np.zeros_like(w))
    dw += x.T @ dout
    return dout @ w.T, dw, dout.sum(axis=0)
