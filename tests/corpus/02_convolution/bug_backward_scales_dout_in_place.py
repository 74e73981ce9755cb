# averages the upstream gradient over the batch in place: writes into dout and scales every gradient (mistakes 10, 12)
# message: conv_backward; dx; values differ
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    dout /= x.shape[0]
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = grad_rows.sum(axis=0)
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, stride, pad)
    return dx, dw, db
