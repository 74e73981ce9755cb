# backward marks routed windows by zeroing dout in place: right values, but the caller's dout is destroyed (mistake 12)
# message: maxpool_backward; read-only; writes into one of its inputs
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    out = maxpool_forward(x, size, stride)
    oh, ow = out.shape[2:]
    dx = np.zeros_like(x)
    for i in range(size):
        for j in range(size):
            hit = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] == out
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += hit * dout
            dout[hit] = 0
    return dx
