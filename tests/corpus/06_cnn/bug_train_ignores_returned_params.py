# The updated params returned by sgd_momentum_update are dropped: nothing is learned.
import numpy as np


def train(params, data, epochs, batch_size, lr, momentum, seed, verbose=True):
    rng = np.random.default_rng(seed)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    for epoch in range(epochs):
        order = rng.permutation(len(data.x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            _, grads = model_loss_and_grads(params, data.x_train[batch], data.y_train[batch])
            _, velocity = sgd_momentum_update(params, grads, velocity, lr, momentum)
        for split in ("train", "val"):
            loss, acc = evaluate(params, getattr(data, f"x_{split}"), getattr(data, f"y_{split}"))
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)
    return params, history
