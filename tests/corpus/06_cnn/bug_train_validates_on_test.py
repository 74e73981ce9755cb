# The "validation" metrics are measured on the test set.
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
            params, velocity = sgd_momentum_update(params, grads, velocity, lr, momentum)
        loss, acc = evaluate(params, data.x_train, data.y_train)
        history["train_loss"].append(loss)
        history["train_acc"].append(acc)
        loss, acc = evaluate(params, data.x_test, data.y_test)
        history["val_loss"].append(loss)
        history["val_acc"].append(acc)
        if verbose:
            print(f"epoch {epoch + 1}: val acc {acc:.4f}")
    return params, history
