# dense_backward sums db over every axis: a scalar instead of shape (M,) (mistake 11)
# message: dense_backward; db; expected an array of shape (4,)
import numpy as np


def dense_backward(dout, x, w):
    return dout @ w.T, x.T @ dout, np.sum(dout)
