# The conv bias gradient is divided by the batch size again (the loss gradient is already a mean).
def model_loss_and_grads(params, x, y):
    conv = conv_forward(x, params["w1"], params["b1"], stride=1, pad=1)
    relu = relu_forward(conv)
    pooled = maxpool_forward(relu, size=2, stride=2)
    flat = flatten_forward(pooled)
    scores = dense_forward(flat, params["w2"], params["b2"])
    loss, dscores = cross_entropy_loss(scores, y)
    grads = {}
    dflat, grads["w2"], grads["b2"] = dense_backward(dscores, flat, params["w2"])
    drelu = maxpool_backward(flatten_backward(dflat, pooled.shape), relu, size=2, stride=2)
    dconv = relu_backward(drelu, conv)
    _, grads["w1"], _ = conv_backward(dconv, x, params["w1"], stride=1, pad=1)
    grads["b1"] = dconv.sum(axis=(0, 2, 3)) / len(x)
    return loss, grads
