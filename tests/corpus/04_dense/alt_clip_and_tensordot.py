# correct: np.clip for ReLU, a boolean-mask product for its gradient, tensordot for the dense layer
import numpy as np


def relu_forward(x):
    return np.clip(x, 0, None)


def relu_backward(dout, x):
    return np.multiply(dout, np.greater(x, 0), dtype=dout.dtype)


def flatten_forward(x):
    return x.reshape(x.shape[0], np.prod(x.shape[1:]))


def flatten_backward(dout, x_shape):
    return dout.reshape(tuple(x_shape))


def dense_forward(x, w, b):
    return np.tensordot(x, w, axes=1) + b


def dense_backward(dout, x, w):
    dx = np.tensordot(dout, w, axes=([1], [1]))
    dw = np.tensordot(x, dout, axes=([0], [0]))
    db = dout.sum(axis=0, keepdims=True).reshape(-1)
    return dx, dw, db
