# picks log_probs[:, y], an N x N matrix, instead of one entry per row
# message: cross_entropy_loss; loss; the mean over the batch
def cross_entropy_loss(z, y):
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[:, y].mean()
    dz = np.exp(log_probs)
    dz[:, y] -= 1
    return loss, dz / n
