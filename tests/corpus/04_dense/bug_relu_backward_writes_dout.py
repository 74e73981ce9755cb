# relu_backward zeroes the upstream gradient in place: dout[x <= 0] = 0 (mistake 12)
def relu_backward(dout, x):
    dout[x <= 0] = 0
    return dout
