# forgets keepdims: (N, K) - (N,) broadcasts along the wrong axis (wrong when N == K, raises otherwise)
# message: softmax; raised ValueError; keepdims=True
def softmax(z):
    exps = np.exp(z - z.max(axis=1))
    return exps / exps.sum(axis=1)
