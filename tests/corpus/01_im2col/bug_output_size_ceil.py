# conv_output_size rounds up: one window too many when the stride does not divide evenly (mistake 1)
# message: conv_output_size; returned 4, expected 3; //
import math


def conv_output_size(size, k, stride=1, pad=0):
    return math.ceil((size + 2 * pad - k) / stride) + 1
