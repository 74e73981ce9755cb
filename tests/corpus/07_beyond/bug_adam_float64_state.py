# builds the new moments in float64 whatever the parameters' dtype
# message: adam_step; float32; dtype float64
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = np.asarray(beta1 * m + (1 - beta1) * grad, dtype=np.float64)
    v = np.asarray(beta2 * v + (1 - beta2) * grad ** 2, dtype=np.float64)
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
