# relu_backward zeroes the upstream gradient in place: dout[x <= 0] = 0 (mistake 12)
# message: relu_backward; read-only; writes into one of its inputs
def relu_backward(dout, x):
    dout[x <= 0] = 0
    return dout
