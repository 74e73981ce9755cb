# OW computed from H instead of W (a copy-paste slip): wrong whenever H != W (mistake 1)
# message: conv_forward; raised ValueError; OW from W and kw
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(h, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)
    rows = cols @ w.reshape(f, -1).T + b
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
