# flatten_forward puts the batch on the wrong axis: x.reshape(-1, N) has shape (C*H*W, N) (mistake 1)
# message: flatten_forward; shape (60, 2), expected (2, 60)
def flatten_forward(x):
    return x.reshape(-1, x.shape[0])
