# computes the loss but returns a placeholder gradient of zeros
# message: cross_entropy_loss; dz; all zeros
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(n), y].mean(), np.zeros_like(z)
