"""The model functions that train calls: forward, loss and gradients, the update, evaluate."""

import numpy as np

from ..layers import (ref_conv_backward, ref_conv_forward, ref_cross_entropy_loss,
                               ref_dense_backward, ref_flatten_backward, ref_flatten_forward,
                               ref_maxpool_backward, ref_maxpool_forward, ref_relu_backward,
                               ref_relu_forward)

PARAM_NAMES = ("w1", "b1", "w2", "b2")


def ref_init_params(seed=0, filters=16, channels=1, image_size=8, classes=10):
    rng = np.random.default_rng(seed)
    features = filters * (image_size // 2) ** 2
    return {"w1": rng.standard_normal((filters, channels, 3, 3)) * np.sqrt(2.0 / (channels * 9)),
            "b1": np.zeros(filters),
            "w2": rng.standard_normal((features, classes)) * np.sqrt(1.0 / features),
            "b2": np.zeros(classes)}


def ref_model_forward(params, x):
    pooled = ref_maxpool_forward(ref_relu_forward(ref_conv_forward(x, params["w1"], params["b1"], 1, 1)))
    return ref_flatten_forward(pooled) @ params["w2"] + params["b2"]


def ref_model_loss_and_grads(params, x, y):
    conv = ref_conv_forward(x, params["w1"], params["b1"], 1, 1)
    relu = ref_relu_forward(conv)
    pooled = ref_maxpool_forward(relu)
    flat = ref_flatten_forward(pooled)
    loss, dscores = ref_cross_entropy_loss(flat @ params["w2"] + params["b2"], y)
    dflat, dw2, db2 = ref_dense_backward(dscores, flat, params["w2"])
    drelu = ref_maxpool_backward(ref_flatten_backward(dflat, pooled.shape), relu)
    _, dw1, db1 = ref_conv_backward(ref_relu_backward(drelu, conv), x, params["w1"], 1, 1)
    return loss, {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


def ref_sgd_momentum_update(params, grads, velocity, lr, momentum):
    new_velocity = {k: momentum * velocity[k] - lr * grads[k] for k in params}
    return {k: params[k] + new_velocity[k] for k in params}, new_velocity


def ref_evaluate(params, x, y):
    scores = ref_model_forward(params, x)
    return float(ref_cross_entropy_loss(scores, y)[0]), float(np.mean(scores.argmax(axis=1) == y))
