# relu_forward uses np.max (a reduction along axis 0) instead of the elementwise np.maximum
# message: relu_forward; shape (10,), expected (4, 10)
import numpy as np


def relu_forward(x):
    return np.max(x, 0)
