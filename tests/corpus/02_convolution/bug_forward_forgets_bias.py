# the bias is never added
# message: conv_forward; values differ; b[f]
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)
    rows = cols @ w.reshape(f, -1).T
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
