# flatten_backward transposes dout before reshaping it back: values scrambled (mistake 8)
def flatten_backward(dout, x_shape):
    return dout.T.reshape(x_shape)
