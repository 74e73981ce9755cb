# Adam without the bias correction: v stays near its start at 0 far longer than m, so the early steps are 3-6 times lr
# message: adam_step; t=1; param; bias correction
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * m / (np.sqrt(v) + eps), m, v
