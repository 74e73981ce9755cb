# flatten_backward hard-codes the MNIST input shape instead of using x_shape (mistake 16)
# message: flatten_backward; raised ValueError; dout.reshape(x_shape)
def flatten_backward(dout, x_shape):
    return dout.reshape(-1, 1, 28, 28)
