# Correct: batches from np.array_split of one permutation per epoch, metrics in a loop.
import numpy as np


def train(params, data, epochs, batch_size, lr, momentum, seed, verbose=True):
    rng = np.random.default_rng(seed)
    velocity = {name: np.zeros(value.shape) for name, value in params.items()}
    history = {key: [] for key in ("train_loss", "train_acc", "val_loss", "val_acc")}
    n = len(data.y_train)
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(n)
        for batch in np.array_split(perm, range(batch_size, n, batch_size)):
            loss, grads = model_loss_and_grads(params, data.x_train[batch], data.y_train[batch])
            params, velocity = sgd_momentum_update(params, grads, velocity, lr, momentum)
        train_loss, train_acc = evaluate(params, data.x_train, data.y_train)
        val_loss, val_acc = evaluate(params, data.x_val, data.y_val)
        for key, value in zip(("train_loss", "train_acc", "val_loss", "val_acc"),
                              (train_loss, train_acc, val_loss, val_acc)):
            history[key].append(value)
        if verbose:
            print("epoch", epoch, "val_acc", round(val_acc, 4))
    return params, history
