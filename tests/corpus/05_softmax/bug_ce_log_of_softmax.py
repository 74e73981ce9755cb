# takes log(softmax(z)): a probability that underflows to 0 gives log(0) = -inf, an infinite loss
# message: cross_entropy_loss; divide by zero encountered in log; never take log(0)
def cross_entropy_loss(z, y):
    n = z.shape[0]
    p = softmax(z)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    return loss, dz / n
