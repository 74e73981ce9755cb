# Correct: updates the given dicts' arrays in place and returns them.
def sgd_momentum_update(params, grads, velocity, lr, momentum):
    for key in params:
        velocity[key] *= momentum
        velocity[key] -= lr * grads[key]
        params[key] += velocity[key]
    return params, velocity
