"""batchnorm_forward, which batchnorm_backward may call. One channel at a time, with the
statistics summed by math.fsum over Python floats."""

import math

import numpy as np


def channel_statistics(x):
    """Per channel of x (N, C, H, W): the mean, the biased and the unbiased variance, as float64."""
    n, c, h, w = x.shape
    count = n * h * w
    means, biased, unbiased = np.empty(c), np.empty(c), np.empty(c)
    for k in range(c):
        values = [float(v) for v in x[:, k].ravel()]
        mean = math.fsum(values) / count
        squares = math.fsum((v - mean) ** 2 for v in values)
        means[k], biased[k] = mean, squares / count
        unbiased[k] = squares / (count - 1) if count > 1 else math.inf
    return means, biased, unbiased


def ref_batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                          train=True):
    n, c, h, w = x.shape
    out = np.empty_like(x)
    if train:
        mean, var, unbiased = channel_statistics(x)
        new_mean = np.array([(1 - momentum) * float(running_mean[k]) + momentum * mean[k]
                             for k in range(c)], dtype=running_mean.dtype)
        new_var = np.array([(1 - momentum) * float(running_var[k]) + momentum * unbiased[k]
                            for k in range(c)], dtype=running_var.dtype)
    else:
        mean = [float(v) for v in running_mean]
        var = [float(v) for v in running_var]
        new_mean, new_var = running_mean.copy(), running_var.copy()
    for k in range(c):
        scale = float(gamma[k]) / math.sqrt(var[k] + eps)
        out[:, k] = (x[:, k].astype(np.float64) - mean[k]) * scale + float(beta[k])
    return out, new_mean, new_var
