# dout (N, F, OH, OW) reshaped straight to (N*OH*OW, F): rows no longer match the rows of cols (mistake 8)
# message: conv_backward; dx; values differ
def conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    grad_rows = dout.reshape(-1, f)
    cols = im2col(x, kh, kw, stride, pad)
    db = grad_rows.sum(axis=0)
    dw = (grad_rows.T @ cols).reshape(w.shape)
    dx = col2im(grad_rows @ w.reshape(f, -1), x.shape, kh, kw, stride, pad)
    return dx, dw, db
