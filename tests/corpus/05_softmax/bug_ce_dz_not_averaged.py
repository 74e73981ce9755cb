# the loss is a mean but dz is not divided by N
# message: cross_entropy_loss; dz; / N
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dz = np.exp(log_probs)
    dz[np.arange(n), y] -= 1
    return loss, dz
