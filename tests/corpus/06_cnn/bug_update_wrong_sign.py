# The step goes along the gradient instead of against it.
def sgd_momentum_update(params, grads, velocity, lr, momentum):
    velocity = {k: momentum * velocity[k] + lr * grads[k] for k in params}
    params = {k: params[k] + velocity[k] for k in params}
    return params, velocity
