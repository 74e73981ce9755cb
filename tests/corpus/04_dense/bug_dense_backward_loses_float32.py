# dense_backward accumulates db in np.zeros(M), which is float64: float32 input gives a float64 db (mistake 14)
# message: dense_backward keeps float32; dtype float64
import numpy as np


def dense_backward(dout, x, w):
    db = np.zeros(w.shape[1])
    for row in dout:
        db += row
    return dout @ w.T, x.T @ dout, db
