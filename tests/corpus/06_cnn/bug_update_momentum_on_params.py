# The momentum factor scales the parameters instead of the velocity (and the velocity is unused).
def sgd_momentum_update(params, grads, velocity, lr, momentum):
    params = {k: momentum * params[k] - lr * grads[k] for k in params}
    return params, velocity
