# dense_backward averages db over the batch: the 1/N is already in dout (mistake 10)
# message: dense_backward; db; db = dout.sum(axis=0)
def dense_backward(dout, x, w):
    return dout @ w.T, x.T @ dout, dout.mean(axis=0)
