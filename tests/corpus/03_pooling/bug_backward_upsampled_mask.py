# the classic "repeat the output and compare" backward: every tied maximum gets dout and stride is assumed equal to size (mistakes 7, 2)
# message: maxpool_backward; stride 2; raised ValueError
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    out = maxpool_forward(x, size, stride)
    n, c, oh, ow = out.shape
    upsampled = out.repeat(size, axis=2).repeat(size, axis=3)
    grads = dout.repeat(size, axis=2).repeat(size, axis=3)
    dx = np.zeros_like(x)
    region = x[:, :, :oh * size, :ow * size]
    dx[:, :, :oh * size, :ow * size] = (region == upsampled) * grads
    return dx
