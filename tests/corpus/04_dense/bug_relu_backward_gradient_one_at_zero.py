# relu_backward zeroes only x < 0, so the gradient at exactly x == 0 (and -0.0) is 1, not 0 (mistake 15)
# message: relu_backward at exact zeros; the gradient at x == 0 is 0
def relu_backward(dout, x):
    dx = dout.copy()
    dx[x < 0] = 0
    return dx
