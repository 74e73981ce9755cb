# db summed as if the layout were NHWC: over (0, 1, 2) instead of (0, 2, 3) (mistake 11)
# message: conv_backward; db: shape (5,), expected (4,)
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = dout.sum(axis=(0, 1, 2))
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, stride, pad)
    return dx, dw, db
