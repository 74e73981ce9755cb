# Kingma and Ba's "efficient" form: the bias corrections folded into the step size (and eps)
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import math
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    root = math.sqrt(1 - beta2 ** t)
    step = lr * root / (1 - beta1 ** t)
    return param - step * m / (np.sqrt(v) + eps * root), m, v
