# dense_backward forgets the transpose in dx: dout @ w runs only when M == D, and is wrong (mistake 8)
# message: dense_backward; raised ValueError; dx = dout @ w.T
def dense_backward(dout, x, w):
    return dout @ w, x.T @ dout, dout.sum(axis=0)
