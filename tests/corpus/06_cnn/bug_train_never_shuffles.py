# The batches always follow the data set's order: no shuffling.
import numpy as np


def train(params, data, epochs, batch_size, lr, momentum, seed, verbose=True):
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    for epoch in range(epochs):
        for start in range(0, len(data.x_train), batch_size):
            _, grads = model_loss_and_grads(params, data.x_train[start:start + batch_size],
                                            data.y_train[start:start + batch_size])
            params, velocity = sgd_momentum_update(params, grads, velocity, lr, momentum)
        for split in ("train", "val"):
            loss, acc = evaluate(params, getattr(data, f"x_{split}"), getattr(data, f"y_{split}"))
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)
        if verbose:
            print(f"epoch {epoch + 1}: val acc {history['val_acc'][-1]:.4f}")
    return params, history
