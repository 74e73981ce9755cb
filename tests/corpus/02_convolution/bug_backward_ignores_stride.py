# the backward pass forgets the stride in im2col and col2im (mistake 2)
# message: conv_backward; stride 2; raised ValueError
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, pad=pad)
    db = grad_rows.sum(axis=0)
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, pad=pad)
    return dx, dw, db
