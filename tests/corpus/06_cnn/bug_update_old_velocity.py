# The parameters move by the old velocity; the new one is only stored.
def sgd_momentum_update(params, grads, velocity, lr, momentum):
    new_params = {k: params[k] + velocity[k] for k in params}
    velocity = {k: momentum * velocity[k] - lr * grads[k] for k in params}
    return new_params, velocity
