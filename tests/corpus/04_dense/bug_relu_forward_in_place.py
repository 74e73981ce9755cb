# relu_forward writes into its input: x[x < 0] = 0 changes the caller's array (mistake 12)
# message: relu_forward; read-only; writes into one of its inputs
def relu_forward(x):
    x[x < 0] = 0
    return x
