# conv_output_size uses / instead of //: a float, and wrong when the stride does not divide evenly (mistake 1)
# message: conv_output_size; float; floor division


def conv_output_size(size, k, stride=1, pad=0):
    return (size + 2 * pad - k) / stride + 1
