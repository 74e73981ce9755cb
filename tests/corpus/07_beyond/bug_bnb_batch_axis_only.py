# means and sums over the batch axis only, as for a dense layer
# message: batchnorm_backward; dbeta; shape
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    inv_std = 1 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx_hat = dout * gamma[None, :, None, None]
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
