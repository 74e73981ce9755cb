# dense_forward forgets the bias
# message: dense_forward; values differ; b is added to every row
def dense_forward(x, w, b):
    return x @ w
