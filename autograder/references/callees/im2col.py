"""conv_output_size, which im2col and col2im call."""


def ref_conv_output_size(size, k, stride=1, pad=0):
    return (size + 2 * pad - k) // stride + 1
