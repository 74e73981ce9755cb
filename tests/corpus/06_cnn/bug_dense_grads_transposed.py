# The dense weight gradient is written by hand as dscores.T @ flat, then transposed back wrongly.
def model_loss_and_grads(params, x, y):
    conv = conv_forward(x, params["w1"], params["b1"], stride=1, pad=1)
    relu = relu_forward(conv)
    pooled = maxpool_forward(relu, size=2, stride=2)
    flat = flatten_forward(pooled)
    scores = dense_forward(flat, params["w2"], params["b2"])
    loss, dscores = cross_entropy_loss(scores, y)
    grads = {"w2": (dscores.T @ flat).reshape(params["w2"].shape), "b2": dscores.sum(axis=0)}
    dflat = dscores @ params["w2"].T
    drelu = maxpool_backward(flatten_backward(dflat, pooled.shape), relu, size=2, stride=2)
    dconv = relu_backward(drelu, conv)
    _, grads["w1"], grads["b1"] = conv_backward(dconv, x, params["w1"], stride=1, pad=1)
    return loss, grads
