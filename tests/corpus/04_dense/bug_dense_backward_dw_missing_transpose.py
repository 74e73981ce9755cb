# dense_backward forgets the transpose in dw: x @ dout runs only when N == D, and is wrong (mistake 8)
# message: dense_backward; raised ValueError; dw = x.T @ dout
def dense_backward(dout, x, w):
    return dout @ w.T, x @ dout, dout.sum(axis=0)
