# recomputes x_hat with its own batchnorm_forward (gamma 1, beta 0) and walks the graph in steps
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    c = x.shape[1]
    axes = (0, 2, 3)
    count = x.size // c
    x_hat, _, _ = batchnorm_forward(x, np.ones_like(gamma), np.zeros_like(gamma),
                                    np.zeros_like(gamma), np.ones_like(gamma), eps=eps)
    centred = x - x.mean(axis=axes, keepdims=True)
    var = (centred ** 2).mean(axis=axes, keepdims=True)
    dx_hat = dout * gamma.reshape(1, c, 1, 1)
    dvar = (dx_hat * centred).sum(axis=axes, keepdims=True) * -0.5 * (var + eps) ** -1.5
    dcentred = dx_hat / np.sqrt(var + eps) + dvar * 2 * centred / count
    dx = dcentred - dcentred.mean(axis=axes, keepdims=True)
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
