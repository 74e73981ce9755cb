# true convolution: the kernel is flipped, PyTorch's cross-correlation is not (mistake 5)
# message: conv_forward; values differ; sum(w[f] * window
def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(h, kh, stride, pad)
    ow = conv_output_size(width, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)
    flipped = w[:, :, ::-1, ::-1]
    rows = cols @ flipped.reshape(f, -1).T + b
    return rows.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)
