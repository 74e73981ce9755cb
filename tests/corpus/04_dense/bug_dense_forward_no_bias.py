# dense_forward forgets the bias
def dense_forward(x, w, b):
    return x @ w
