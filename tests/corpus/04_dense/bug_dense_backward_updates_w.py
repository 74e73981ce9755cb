# dense_backward also takes an SGD step on w, writing into its parameter (mistake 17)
# message: dense_backward; read-only; writes into one of its inputs
def dense_backward(dout, x, w):
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    w -= 1e-3 * dw
    return dx, dw, db
