# backward copies the gradient to every tied maximum (mask = window == max), not only the first (mistake 7)
# message: maxpool_backward; tied; several elements
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    out = maxpool_forward(x, size, stride)
    oh, ow = out.shape[2:]
    dx = np.zeros_like(x)
    for i in range(size):
        for j in range(size):
            window = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += (window == out) * dout
    return dx
