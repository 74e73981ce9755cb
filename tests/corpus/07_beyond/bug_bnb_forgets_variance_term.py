# keeps the mean's path but forgets that the variance depends on x too
# message: batchnorm_backward; dx; x_hat * mean(dout * x_hat)
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / std
    dx_hat = dout * gamma.reshape(1, -1, 1, 1)
    dx = (dx_hat - dx_hat.mean(axis=axes, keepdims=True)) / std
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
