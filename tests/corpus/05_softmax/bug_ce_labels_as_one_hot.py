# treats the integer labels as one-hot rows: y (N,) broadcasts along the classes (an error, or wrong when N == K)
# message: cross_entropy_loss; labels; raised ValueError
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.sum(y * log_probs) / n
    return loss, (np.exp(log_probs) - y) / n
