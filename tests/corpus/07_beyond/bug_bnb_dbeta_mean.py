# averages dbeta and dgamma over the batch instead of summing
# message: batchnorm_backward; dbeta; not a mean
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * inv_std
    dx_hat = dout * gamma[None, :, None, None]
    dx = inv_std * (dx_hat - dx_hat.mean(axis=axes, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=axes, keepdims=True))
    return dx, (dout * x_hat).mean(axis=axes), dout.mean(axis=axes)
