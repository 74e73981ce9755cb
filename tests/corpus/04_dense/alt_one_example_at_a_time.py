# correct: every layer loops over the batch and handles one example at a time
import numpy as np


def relu_forward(x):
    out = np.empty_like(x)
    for i, example in enumerate(x):
        out[i] = np.where(example > 0, example, 0)
    return out


def relu_backward(dout, x):
    dx = np.zeros_like(dout)
    for i in range(len(x)):
        positive = x[i] > 0
        dx[i][positive] = dout[i][positive]
    return dx


def flatten_forward(x):
    return np.stack([example.ravel() for example in x])


def flatten_backward(dout, x_shape):
    return np.stack([row.reshape(x_shape[1:]) for row in dout])


def dense_forward(x, w, b):
    out = np.empty((x.shape[0], w.shape[1]), dtype=x.dtype)
    for i in range(x.shape[0]):
        out[i] = x[i] @ w + b
    return out


def dense_backward(dout, x, w):
    dx = np.empty((x.shape[0], w.shape[0]), dtype=dout.dtype)
    dw = np.zeros_like(w, dtype=dout.dtype)
    db = np.zeros(w.shape[1], dtype=dout.dtype)
    for i in range(x.shape[0]):
        dx[i] = w @ dout[i]
        dw += np.outer(x[i], dout[i])
        db += dout[i]
    return dx, dw, db
