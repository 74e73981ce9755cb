import numpy as np
import scipy.signal

try:
    import torch  # noqa: F401
except ImportError:
    pass


def conv_output_size(size, k, stride=1, pad=0):
    return (size + 2 * pad - k) // stride + 1


def im2col(x, kh, kw, stride=1, pad=0):
    # scipy does the sliding: every window is one correlation with a one-hot kernel
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = conv_output_size(h, kh, stride, pad), conv_output_size(w, kw, stride, pad)
    out = np.empty((n, oh, ow, c, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            onehot = np.zeros((1, 1, kh, kw))
            onehot[0, 0, i, j] = 1
            full = scipy.signal.correlate(xp, onehot, mode="valid")
            out[:, :, :, :, i, j] = full[:, :, ::stride, ::stride][:, :, :oh, :ow].transpose(0, 2, 3, 1)
    return out.reshape(n * oh * ow, c * kh * kw)


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    return None
