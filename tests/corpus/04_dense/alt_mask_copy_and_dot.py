# correct: x * mask and a masked copy for ReLU, np.dot and np.sum for the dense layer, ravel for flatten
import numpy as np


def relu_forward(x):
    return x * (x > 0)


def relu_backward(dout, x):
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def flatten_forward(x):
    return x.ravel().reshape(len(x), -1)


def flatten_backward(dout, x_shape):
    return dout.ravel().reshape(*x_shape)


def dense_forward(x, w, b):
    return np.dot(x, w) + b[np.newaxis, :]


def dense_backward(dout, x, w):
    return np.dot(dout, w.T), np.dot(x.T, dout), np.sum(dout, axis=0)
