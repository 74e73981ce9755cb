# Gradients live in one dict kept between calls and are added to: they grow with every step.
_GRADS = {}


def model_loss_and_grads(params, x, y):
    conv = conv_forward(x, params["w1"], params["b1"], stride=1, pad=1)
    relu = relu_forward(conv)
    pooled = maxpool_forward(relu, size=2, stride=2)
    flat = flatten_forward(pooled)
    scores = dense_forward(flat, params["w2"], params["b2"])
    loss, dscores = cross_entropy_loss(scores, y)
    dflat, dw2, db2 = dense_backward(dscores, flat, params["w2"])
    drelu = maxpool_backward(flatten_backward(dflat, pooled.shape), relu, size=2, stride=2)
    _, dw1, db1 = conv_backward(relu_backward(drelu, conv), x, params["w1"], stride=1, pad=1)
    for key, value in (("w1", dw1), ("b1", db1), ("w2", dw2), ("b2", db2)):
        if key in _GRADS and _GRADS[key].shape == value.shape:
            _GRADS[key] = _GRADS[key] + value
        else:
            _GRADS[key] = value
    return loss, dict(_GRADS)
