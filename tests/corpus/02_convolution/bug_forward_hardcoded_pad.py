# "same" padding for a 3x3 kernel hard-coded: pad=1 whatever the caller asks (mistake 16)
# message: conv_forward; pad 0; shape (1, 3, 4, 5)
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, 1)
    ow = conv_output_size(width, kw, stride, 1)
    cols = im2col(x, kh, kw, stride, 1)
    rows = cols @ w.reshape(f, -1).T + b
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
