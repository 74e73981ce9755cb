# correct: a hand-written logsumexp, a boolean one-hot matrix, and the student's own softmax for dz
def softmax(z):
    e = np.exp(z - np.max(z, axis=1)[:, np.newaxis])
    return e / np.sum(e, axis=1)[:, np.newaxis]


def cross_entropy_loss(z, y):
    n, k = z.shape
    one_hot = y[:, None] == np.arange(k)
    m = z.max(axis=1, keepdims=True)
    logsumexp = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    loss = np.sum(np.where(one_hot, logsumexp - z, 0)) / n
    return loss, (softmax(z) - one_hot) / n
