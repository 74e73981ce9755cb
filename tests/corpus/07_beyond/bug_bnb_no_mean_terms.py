# treats the batch mean and variance as constants: dx = dout * gamma / std
# message: batchnorm_backward; dx; both mean terms
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / std
    return dout * gamma.reshape(1, -1, 1, 1) / std, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
