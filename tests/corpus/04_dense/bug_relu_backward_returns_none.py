# relu_backward computes the gradient but forgets to return it (mistake 13)
# message: relu_backward; returned None
def relu_backward(dout, x):
    dx = dout * (x > 0)
