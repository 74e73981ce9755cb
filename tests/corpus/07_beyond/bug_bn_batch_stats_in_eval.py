# normalises with the batch's statistics in eval mode too: a prediction depends on the rest of the batch
# message: batchnorm_forward; eval mode; running_mean and running_var
def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                      train=True):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    if train:
        count = x.size // x.shape[1]
        running_mean = (1 - momentum) * running_mean + momentum * mean.ravel()
        running_var = (1 - momentum) * running_var + momentum * var.ravel() * count / (count - 1)
    out = gamma.reshape(1, -1, 1, 1) * (x - mean) / np.sqrt(var + eps) + beta.reshape(1, -1, 1, 1)
    return out, running_mean, running_var
