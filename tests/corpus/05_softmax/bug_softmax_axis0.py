# normalises over axis 0: every column sums to 1 instead of every row
# message: softmax; axis=1, keepdims=True
def softmax(z):
    exps = np.exp(z - z.max(axis=0, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)
