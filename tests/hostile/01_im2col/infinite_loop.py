def conv_output_size(size, k, stride=1, pad=0):
    while True:
        try:
            pass
        except Exception:
            pass


def im2col(x, kh, kw, stride=1, pad=0):
    while True:
        pass


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    while True:
        pass
