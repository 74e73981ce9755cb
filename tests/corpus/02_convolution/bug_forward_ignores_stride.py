# stride not passed on to im2col: windows placed at every pixel (mistake 2)
# message: conv_forward; stride 2; shape (1, 3, 5, 7)
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, 1, pad)
    ow = conv_output_size(width, kw, 1, pad)
    cols = im2col(x, kh, kw, pad=pad)
    rows = cols @ w.reshape(f, -1).T + b
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
