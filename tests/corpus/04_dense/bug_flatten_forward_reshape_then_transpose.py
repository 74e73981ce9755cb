# flatten_forward reshapes to (C*H*W, N) and transposes: right shape, examples mixed up (mistake 8)
# message: flatten_forward; the right values in the wrong places
def flatten_forward(x):
    return x.reshape(-1, x.shape[0]).T
