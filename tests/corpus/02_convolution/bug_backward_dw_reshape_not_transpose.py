# dw computed as cols.T @ grad_rows, shape (C*kh*kw, F), then reshaped to w.shape without a transpose (mistake 8)
# message: conv_backward; dw; the right values in the wrong places
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = grad_rows.sum(axis=0)
    dw = (cols.T @ grad_rows).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, stride, pad)
    return dx, dw, db
