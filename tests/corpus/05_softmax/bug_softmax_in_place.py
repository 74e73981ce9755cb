# shifts the caller's array in place: z -= z.max(...) fails on a read-only z and changes the input
# message: softmax; read-only; writes into one of its inputs
def softmax(z):
    z -= z.max(axis=1, keepdims=True)
    exps = np.exp(z)
    return exps / exps.sum(axis=1, keepdims=True)
