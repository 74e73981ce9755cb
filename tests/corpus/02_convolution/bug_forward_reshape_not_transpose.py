# output rows (n, oh, ow) x f reshaped straight to (N, F, OH, OW): right shape, scrambled values (mistake 8)
# message: conv_forward; the right values in the wrong places
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)
    rows = cols @ w.reshape(f, -1).T + b
    return rows.reshape(n, f, oh, ow)
