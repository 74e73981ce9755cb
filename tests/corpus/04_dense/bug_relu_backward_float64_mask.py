# relu_backward multiplies by a float64 mask, so float32 gradients come back as float64 (mistake 14)
# message: relu_backward keeps float32; dtype float64
def relu_backward(dout, x):
    return dout * (x > 0).astype(float)
