# flatten_backward transposes dout before reshaping it back: values scrambled (mistake 8)
# message: flatten_backward; the right values in the wrong places
def flatten_backward(dout, x_shape):
    return dout.T.reshape(x_shape)
