# the backward pass also takes an SGD step on w (mistake 17)
# message: conv_backward; read-only; writes into one of its inputs
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = grad_rows.sum(axis=0)
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, stride, pad)
    w -= 1e-3 * dw
    return dx, dw, db
