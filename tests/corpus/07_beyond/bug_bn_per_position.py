# normalises over the batch axis only, as a dense layer's batch norm does: one mean per (c, h, w)
# message: batchnorm_forward; out; axis=(0, 2, 3)
def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                      train=True):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * mean.mean(axis=(1, 2))
        running_var = (1 - momentum) * running_var + momentum * var.mean(axis=(1, 2)) * n / max(n - 1, 1)
    else:
        mean, var = running_mean[:, None, None], running_var[:, None, None]
    out = (x - mean) / np.sqrt(var + eps)
    return gamma[:, None, None] * out + beta[:, None, None], running_mean, running_var
