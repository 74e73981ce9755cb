# subtracts 1 from every probability instead of only at the true class
# message: cross_entropy_loss; dz; one_hot(y)
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    return loss, (np.exp(log_probs) - 1) / n
