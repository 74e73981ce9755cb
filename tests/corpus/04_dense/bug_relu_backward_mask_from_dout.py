# relu_backward masks with dout > 0 instead of x > 0: negative gradients never flow back
# message: relu_backward; the mask comes from x, not dout
def relu_backward(dout, x):
    return dout * (dout > 0)
