# fills a float64 array row by row: float32 logits come back as float64
# message: softmax of float32; dtype float64
def softmax(z):
    p = np.zeros(z.shape)
    for i in range(z.shape[0]):
        exps = np.exp(z[i] - z[i].max())
        p[i] = exps / exps.sum()
    return p
