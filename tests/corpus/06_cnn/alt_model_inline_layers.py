# Correct: a forward pass written with a helper, ReLU inline, and the backward as a list of steps.
import numpy as np


def _forward(params, x):
    conv = conv_forward(x, params["w1"], params["b1"], 1, 1)
    relu = np.maximum(conv, 0)
    pooled = maxpool_forward(relu, 2, 2)
    flat = pooled.reshape(len(x), -1)
    return conv, relu, pooled, flat, flat @ params["w2"] + params["b2"]


def model_forward(params, x):
    return _forward(params, x)[-1]


def model_loss_and_grads(params, x, y):
    conv, relu, pooled, flat, scores = _forward(params, x)
    loss, dscores = cross_entropy_loss(scores, y)
    dflat = dscores @ params["w2"].T
    dconv = maxpool_backward(dflat.reshape(pooled.shape), relu, 2, 2) * (conv > 0)
    _, dw1, db1 = conv_backward(dconv, x, params["w1"], 1, 1)
    return loss, {"w1": dw1, "b1": db1, "w2": flat.T @ dscores, "b2": dscores.sum(axis=0)}
