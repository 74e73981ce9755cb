# backward flattens (N, C, OH, k, OW, k) windows with reshape where a transpose is needed: the wrong element gets the gradient (mistake 8)
# message: maxpool_backward; the right values in the wrong places
import numpy as np


def maxpool_backward(dout, x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = dout.shape[2:]
    blocks = x[:, :, :oh * size, :ow * size].reshape(n, c, oh, size, ow, size)
    first = blocks.reshape(n, c, oh, ow, size * size).argmax(axis=4)
    onehot = np.arange(size * size) == first[..., None]
    routed = (onehot * dout[..., None]).reshape(n, c, oh, ow, size, size)
    dx = np.zeros_like(x)
    dx[:, :, :oh * size, :ow * size] = routed.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh * size, ow * size)
    return dx
