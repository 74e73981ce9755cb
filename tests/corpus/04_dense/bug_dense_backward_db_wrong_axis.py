# dense_backward sums db over the outputs (axis 1) instead of over the batch (mistake 11)
# message: dense_backward; db: shape (2,), expected (4,)
def dense_backward(dout, x, w):
    return dout @ w.T, x.T @ dout, dout.sum(axis=1)
