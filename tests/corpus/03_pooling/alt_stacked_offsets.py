# correct: stack the k*k strided slices on a new first axis; argmax over it picks the first maximum in row-major order
import numpy as np


def _offsets(x, size, stride):
    oh = (x.shape[2] - size) // stride + 1
    ow = (x.shape[3] - size) // stride + 1
    return [(slice(i, i + stride * oh, stride), slice(j, j + stride * ow, stride))
            for i in range(size) for j in range(size)]


def maxpool_forward(x, size=2, stride=2):
    stacked = np.stack([x[:, :, rows, cols] for rows, cols in _offsets(x, size, stride)])
    return stacked.max(axis=0)


def maxpool_backward(dout, x, size=2, stride=2):
    offsets = _offsets(x, size, stride)
    winner = np.stack([x[:, :, rows, cols] for rows, cols in offsets]).argmax(axis=0)
    dx = np.zeros_like(x)
    for k, (rows, cols) in enumerate(offsets):
        dx[:, :, rows, cols] += np.where(winner == k, dout, 0)
    return dx
