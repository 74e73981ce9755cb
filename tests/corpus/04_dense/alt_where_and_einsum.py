# correct: np.where for ReLU, einsum for the dense layer, np.reshape with explicit sizes
import numpy as np


def relu_forward(x):
    return np.where(x > 0, x, 0)


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0)


def flatten_forward(x):
    n, c, h, w = x.shape
    return np.reshape(x, (n, c * h * w))


def flatten_backward(dout, x_shape):
    return np.reshape(dout, x_shape)


def dense_forward(x, w, b):
    return np.einsum("nd,dm->nm", x, w) + b


def dense_backward(dout, x, w):
    dx = np.einsum("nm,dm->nd", dout, w)
    dw = np.einsum("nd,nm->dm", x, dout)
    db = np.einsum("nm->m", dout)
    return dx, dw, db
