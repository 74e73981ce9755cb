# moves the channels first and works on a (C, N*H*W) matrix, one row per channel
def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                      train=True):
    rows = x.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
    if train:
        mean = rows.mean(axis=1)
        centred = rows - mean[:, None]
        var = (centred ** 2).sum(axis=1) / rows.shape[1]
        running_mean = momentum * mean + (1 - momentum) * running_mean
        running_var = momentum * (centred ** 2).sum(axis=1) / (rows.shape[1] - 1) + (1 - momentum) * running_var
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = np.array(running_mean), np.array(running_var)
    out = gamma[:, None] * (rows - mean[:, None]) / np.sqrt(var[:, None] + eps) + beta[:, None]
    n, c, h, w = x.shape
    return out.reshape(c, n, h, w).transpose(1, 0, 2, 3), running_mean, running_var


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    c = x.shape[1]
    rows = x.transpose(1, 0, 2, 3).reshape(c, -1)
    grads = dout.transpose(1, 0, 2, 3).reshape(c, -1)
    count = rows.shape[1]
    inv_std = 1 / np.sqrt(rows.var(axis=1, keepdims=True) + eps)
    x_hat = (rows - rows.mean(axis=1, keepdims=True)) * inv_std
    dgamma = (grads * x_hat).sum(axis=1)
    dbeta = grads.sum(axis=1)
    dx = (gamma[:, None] * inv_std / count) * (count * grads - dbeta[:, None] - x_hat * dgamma[:, None])
    return dx.reshape(c, x.shape[0], *x.shape[2:]).transpose(1, 0, 2, 3), dgamma, dbeta
