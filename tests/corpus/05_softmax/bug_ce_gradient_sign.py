# gradient with the wrong sign: one_hot(y) - softmax(z), the direction that raises the loss
# message: cross_entropy_loss; dz; softmax(z) - one_hot(y)
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dz = -np.exp(log_probs)
    dz[np.arange(n), y] += 1
    return loss, dz / n
