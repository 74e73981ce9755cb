# corrects and applies the moments of the previous step, then updates them
# message: adam_step; t=1; param
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    new_param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_param, beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad ** 2
