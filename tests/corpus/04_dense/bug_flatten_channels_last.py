# flatten in channels-last order (n, h, w, c), forward and backward consistent with each other (mistake 8)
# message: flatten_forward; the right values in the wrong places; (c, h, w) in C order
def flatten_forward(x):
    return x.transpose(0, 2, 3, 1).reshape(x.shape[0], -1)


def flatten_backward(dout, x_shape):
    n, c, h, w = x_shape
    return dout.reshape(n, h, w, c).transpose(0, 3, 1, 2)
