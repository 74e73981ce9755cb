# dense_backward divides dw by the batch size: the loss's 1/N is applied twice (mistake 10)
# message: dense_backward; dw; dw = x.T @ dout
def dense_backward(dout, x, w):
    dx = dout @ w.T
    dw = x.T @ dout / x.shape[0]
    db = dout.sum(axis=0)
    return dx, dw, db
