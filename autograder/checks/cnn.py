"""Hidden checks for 06_cnn: model_forward, model_loss_and_grads, sgd_momentum_update, train.

The model is conv 3x3 (pad 1) -> ReLU -> max-pool 2x2 -> flatten -> dense, with
softmax cross-entropy. Its layers here are small vectorised references written
for this module (sliding windows and einsum), so the checks share nothing with
the notebook and train fast enough to grade a whole training run. While a
model function is checked, these layers stand in for the student's own
(`Check(uses=...)`), so a bug in an earlier assignment costs points there only.

`train` is checked with recording stand-ins for model_loss_and_grads and
sgd_momentum_update: they log every batch and every step, and the comparison
reads the log (every example once per epoch, a new order each epoch, the
velocity and the parameters carried from one step to the next, metrics on the
validation set, same seed same run).
"""

import functools
import threading

import numpy as np

from course.feedback import check_array, check_scalar, describe
from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks
from ..references.callees.cnn import (PARAM_NAMES, ref_evaluate, ref_init_params, ref_model_forward,
                               ref_model_loss_and_grads, ref_sgd_momentum_update)
from ..references.layers import LAYERS


def ref_train(params, data, epochs, batch_size, lr, momentum, seed, verbose=True):
    rng = np.random.default_rng(seed)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(data.x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            _, grads = ref_model_loss_and_grads(params, data.x_train[batch], data.y_train[batch])
            params, velocity = ref_sgd_momentum_update(params, grads, velocity, lr, momentum)
        for split, x, y in (("train", data.x_train, data.y_train), ("val", data.x_val, data.y_val)):
            loss, acc = ref_evaluate(params, x, y)
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)
    return params, history


# ---------------------------------------------------------------- comparisons

def _check_dict(actual, expected, what, rtol, atol, hint=""):
    if actual is None:
        raise AssertionError(f"{what}: is None — did you forget `return`?")
    if not isinstance(actual, dict):
        raise AssertionError(f"{what}: is {describe(actual)}, expected a dict with keys "
                             f"{sorted(expected)}")
    if sorted(actual) != sorted(expected):
        raise AssertionError(f"{what}: has keys {sorted(actual)}, expected {sorted(expected)} "
                             "(the same keys as params)")
    for key in sorted(expected):
        check_array(actual[key], expected[key], f"{what}[{key!r}]", rtol=rtol, atol=atol, hint=hint)


def compare_scores(actual, expected, what, case):
    check_array(actual, expected, what, rtol=case.rtol, atol=case.atol, hint=case.hint)


def compare_loss_and_grads(actual, expected, what, case):
    if actual is None:
        raise AssertionError(f"{what}: returned None — did you forget `return`?")
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        raise AssertionError(f"{what}: returned {describe(actual)}, expected a tuple (loss, grads)")
    loss, grads = actual
    check_scalar(loss, expected[0], f"{what}, loss", rtol=case.rtol, atol=case.atol,
                 hint=case.hint)
    _check_dict(grads, expected[1], f"{what}, grads", case.rtol, case.atol, case.hint)


def _loss(params, batch):
    return ref_model_loss_and_grads(params, *batch)[0]


def compare_update(actual, expected, what, case):
    if actual is None:
        raise AssertionError(f"{what}: returned None — did you forget `return`?")
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        raise AssertionError(f"{what}: returned {describe(actual)}, expected a tuple "
                             "(params, velocity)")
    params, velocity = actual
    (want_params, want_velocity), batch, before = expected
    for name, got, want in (("params", params, want_params), ("velocity", velocity, want_velocity)):
        if not isinstance(got, dict) or sorted(got) != sorted(want):
            raise AssertionError(f"{what}: the returned {name} is {describe(got)}, expected a "
                                 f"dict with keys {sorted(want)}")
    if batch is not None:
        after = ref_model_loss_and_grads(params, *batch)[0]
        if not after < before:
            raise AssertionError(f"{what}: the loss went from {before:.6f} to {after:.6f} after "
                                 f"one step. Hint: {SIGN_HINT}")
    _check_dict(velocity, want_velocity, f"{what}, velocity", case.rtol, case.atol, case.hint)
    _check_dict(params, want_params, f"{what}, params", case.rtol, case.atol, case.hint)


# ---------------------------------------------------------------- cases: the model

SIGN_HINT = "velocity = momentum * velocity - lr * grad, then param + velocity"


def _readonly(params):
    for value in params.values():
        value.setflags(write=False)
    return params


def _model_case(rng, n, channels, size, filters, classes, seed):
    params = ref_init_params(seed, filters, channels, size, classes)
    params["b1"] = 0.1 * rng.standard_normal(filters)
    params["b2"] = 0.1 * rng.standard_normal(classes)
    x = rng.random((n, channels, size, size))
    y = rng.integers(0, classes, n)
    return _readonly(params), x, y


def _label(n, channels, size, filters, classes):
    return (f"x {n}x{channels}x{size}x{size}, {filters} filters, {classes} classes")


# (N, C, size, F, K): sizes other than the notebook's, so nothing may be hard-coded
MODEL_SWEEP = [(4, 1, 8, 16, 10), (3, 2, 6, 3, 4), (5, 1, 4, 2, 3), (2, 3, 10, 5, 7), (1, 1, 8, 4, 10)]
FORWARD_HINT = ("conv (stride 1, pad 1) -> relu -> maxpool 2x2 -> flatten -> dense; "
                "return the scores (logits), not probabilities")
BACKWARD_HINT = ("go back through every layer in reverse order, each backward getting the input "
                 "its forward got")


def _forward_cases():
    rng = np.random.default_rng(6601)
    cases = []
    for config in MODEL_SWEEP:
        params, x, _ = _model_case(rng, *config, seed=len(cases))
        cases.append(Case(f"model_forward on {_label(*config)}", (params, x), readonly=True,
                          hint=FORWARD_HINT))
    return cases


def _numerical_loss_and_grads(params, x, y):
    grads = {}
    for key in params:
        def loss_of(value, key=key):
            return ref_model_loss_and_grads({**params, key: value}, x, y)[0]
        grads[key] = numerical_gradient(loss_of, params[key], 1.0)
    return ref_model_loss_and_grads(params, x, y)[0], grads


def _loss_and_grads_cases():
    rng = np.random.default_rng(6602)
    cases = []
    for config in MODEL_SWEEP:
        params, x, y = _model_case(rng, *config, seed=10 + len(cases))
        cases.append(Case(f"model_loss_and_grads on {_label(*config)}", (params, x, y),
                          readonly=True, hint=BACKWARD_HINT))
    for config in [(3, 1, 4, 2, 3), (2, 2, 6, 3, 4)]:
        params, x, y = _model_case(rng, *config, seed=20 + len(cases))
        cases.append(Case(f"model_loss_and_grads against numerical gradients of the loss "
                          f"(float64, {_label(*config)})", (params, x, y), group="gradient",
                          expect=_numerical_loss_and_grads, rtol=1e-5, atol=1e-8,
                          hint=BACKWARD_HINT))
    params, x, y = _model_case(rng, 4, 1, 6, 3, 5, seed=30)
    for attempt in ("first", "second (identical)"):
        cases.append(Case(f"model_loss_and_grads, {attempt} call on the same batch "
                          "(x 4x1x6x6, 3 filters, 5 classes)", (params, x, y), group="steps",
                          readonly=True,
                          hint="build fresh gradients on every call: nothing may accumulate "
                               "across calls (no global dict, no +=) and params stay untouched"))
    return cases


def _dicts(rng, shapes, scale=1.0, readonly=False):
    made = {k: scale * rng.standard_normal(s) for k, s in shapes.items()}
    return _readonly(made) if readonly else made


def _update_case(name, params, grads, velocity, lr, momentum, batch=None, group="values",
                 hint=""):
    before = None if batch is None else ref_model_loss_and_grads(params, *batch)[0]
    expected = ref_sgd_momentum_update(params, grads, velocity, lr, momentum), batch, before
    copies = ({k: v.copy() for k, v in params.items()}, _readonly({k: v.copy() for k, v in grads.items()}),
              {k: v.copy() for k, v in velocity.items()})
    return Case(name, copies + (lr, momentum), group=group, expect=lambda *a, **k: expected,
                hint=hint)


def _update_cases():
    rng = np.random.default_rng(6603)
    shapes = {"w1": (3, 2, 3, 3), "b1": (3,), "w2": (12, 4), "b2": (4,)}
    cases = []
    for lr, momentum in [(0.1, 0.9), (0.03, 0.5), (0.5, 0.0), (0.01, 0.99)]:
        cases.append(_update_case(
            f"sgd_momentum_update(lr={lr}, momentum={momentum}) with a nonzero velocity",
            _dicts(rng, shapes), _dicts(rng, shapes), _dicts(rng, shapes, 0.1), lr, momentum,
            hint=SIGN_HINT))
    zeros = {k: np.zeros(s) for k, s in shapes.items()}
    cases.append(_update_case("sgd_momentum_update(lr=0.2, momentum=0.9), first step (velocity 0)",
                              _dicts(rng, shapes), _dicts(rng, shapes), zeros, 0.2, 0.9,
                              hint=SIGN_HINT))
    for seed, (n, channels, size, filters, classes) in enumerate([(8, 1, 8, 4, 10), (6, 2, 6, 3, 5)]):
        params, x, y = _model_case(rng, n, channels, size, filters, classes, seed=40 + seed)
        params = {k: v.copy() for k, v in params.items()}
        grads = ref_model_loss_and_grads(params, x, y)[1]
        velocity = {k: np.zeros_like(v) for k, v in params.items()}
        cases.append(_update_case(
            f"one sgd_momentum_update step (lr=0.05, momentum=0.9, velocity 0) must lower the "
            f"loss on its batch ({_label(n, channels, size, filters, classes)})",
            params, grads, velocity, 0.05, 0.9, batch=(x, y), group="descent", hint=SIGN_HINT))
    return cases


# ---------------------------------------------------------------- train

class _Recorder(threading.local):
    """Stand-ins for model_loss_and_grads and sgd_momentum_update that log every call.

    Each stand-in carries its reference as `__wrapped__`: the sandboxed grader
    calls the reference there, logs the calls, and replays the log through the
    stand-in afterwards (autograder.grading.trusted), which rebuilds the same recording.
    What it records is its thread's own (threading.local): grading threads compare
    their submissions' train cases side by side, without a lock. `orders` keeps the
    batch orders of the earlier train cases of one run of the cases, by seed."""

    def __init__(self):
        self.batches, self.steps = [], []
        self.index, self.batch_size, self.orders = {}, None, {}

    def start(self, data, batch_size, first=False):
        self.batches, self.steps = [], []
        self.index = {row.tobytes(): i for i, row in enumerate(data.x_train)}
        self.batch_size = batch_size
        if first:
            self.orders = {}

    def model_loss_and_grads(self, params, x, y):
        if len(x) <= self.batch_size:  # larger calls are evaluations, not training batches
            self.batches.append([self.index.get(row.tobytes(), -1) for row in x])
        return ref_model_loss_and_grads(params, x, y)

    def sgd_momentum_update(self, params, grads, velocity, lr, momentum):
        result = ref_sgd_momentum_update(params, grads, velocity, lr, momentum)
        self.steps.append({"params": {k: np.array(v) for k, v in params.items()},
                           "velocity": {k: np.array(v) for k, v in velocity.items()},
                           "lr": lr, "momentum": momentum,
                           "new_params": result[0], "new_velocity": result[1]})
        return result


_Recorder.model_loss_and_grads.__wrapped__ = ref_model_loss_and_grads
_Recorder.sgd_momentum_update.__wrapped__ = ref_sgd_momentum_update
RECORDER = _Recorder()
TRAIN_USES = {**LAYERS, "model_forward": ref_model_forward, "evaluate": ref_evaluate,
              "model_loss_and_grads": RECORDER.model_loss_and_grads,
              "sgd_momentum_update": RECORDER.sgd_momentum_update}
HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")


def _synthetic_arrays(seed):
    """Three classes of random 6x6 images; the test set must never be used by train."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", 50), ("val", 30), ("test", 30)):
        arrays[f"y_{split}"] = rng.integers(0, 3, n)
        arrays[f"x_{split}"] = rng.random((n, 1, 6, 6)) + arrays[f"y_{split}"][:, None, None, None]
    return arrays


def _check_result(actual, what, epochs):
    if actual is None:
        raise AssertionError(f"{what}: returned None — did you forget `return params, history`?")
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        raise AssertionError(f"{what}: returned {describe(actual)}, expected a tuple "
                             "(params, history)")
    params, history = actual
    if not isinstance(params, dict) or sorted(params) != sorted(PARAM_NAMES):
        raise AssertionError(f"{what}: the params returned are {describe(params)}, expected the "
                             f"trained dict with keys {list(PARAM_NAMES)}")
    if not isinstance(history, dict) or sorted(history) != sorted(HISTORY_KEYS):
        keys = sorted(history) if isinstance(history, dict) else describe(history)
        raise AssertionError(f"{what}: history is {keys}, expected a dict with keys "
                             f"{list(HISTORY_KEYS)}")
    for key in HISTORY_KEYS:
        if len(history[key]) != epochs:
            raise AssertionError(f"{what}: history[{key!r}] has {len(history[key])} entries, "
                                 f"expected one per epoch ({epochs})")
    return params, history


def _check_loop(history, data, batch_size, lr, momentum, seed, what):
    n = len(data.x_train)
    per_epoch = -(-n // batch_size)
    batches, steps = RECORDER.batches, RECORDER.steps
    if not steps:
        raise AssertionError(f"{what}: train never called sgd_momentum_update (use "
                             "model_loss_and_grads and sgd_momentum_update for each batch)")
    epochs = len(history["val_loss"])
    if len(batches) != epochs * per_epoch or len(steps) != len(batches):
        raise AssertionError(
            f"{what}: {len(batches)} batches and {len(steps)} update steps in {epochs} epochs, "
            f"expected {per_epoch} of each per epoch ({n} examples, batch_size {batch_size}, "
            "the last batch smaller)")
    orders = []
    for epoch in range(epochs):
        order = [i for batch in batches[epoch * per_epoch:(epoch + 1) * per_epoch] for i in batch]
        if -1 in order:
            raise AssertionError(f"{what}: epoch {epoch + 1} trained on examples that are not in "
                                 "data.x_train (train only on the training set)")
        if sorted(order) != list(range(n)):
            raise AssertionError(f"{what}: epoch {epoch + 1} did not use every training example "
                                 "exactly once (take consecutive slices of one permutation)")
        orders.append(order)
    if orders[0] == list(range(n)):
        raise AssertionError(f"{what}: the batches follow the order of the data set — shuffle "
                             "(rng.permutation) at the start of every epoch")
    if any(a == b for a, b in zip(orders, orders[1:])):
        raise AssertionError(f"{what}: two epochs used the same order — draw a new permutation "
                             "every epoch from one generator created once, before the loop")
    for t, step in enumerate(steps):
        if step["lr"] != lr or step["momentum"] != momentum:
            raise AssertionError(f"{what}: step {t + 1} used lr={step['lr']}, "
                                 f"momentum={step['momentum']}; expected the arguments of train "
                                 f"(lr={lr}, momentum={momentum})")
        if t == 0:
            if any(np.any(v) for v in step["velocity"].values()):
                raise AssertionError(f"{what}: the first step's velocity is not zero — start "
                                     "from zeros_like of every parameter")
            continue
        before = steps[t - 1]
        for key in PARAM_NAMES:
            if not np.array_equal(step["velocity"][key], before["new_velocity"][key]):
                raise AssertionError(f"{what}: step {t + 1} did not get the velocity that step "
                                     f"{t} returned — keep the returned velocity for the next step")
            if not np.array_equal(step["params"][key], before["new_params"][key]):
                raise AssertionError(f"{what}: step {t + 1} did not get the params that step "
                                     f"{t} returned — use the params sgd_momentum_update returns")
    for epoch in range(epochs):
        params = steps[(epoch + 1) * per_epoch - 1]["new_params"]
        for split in ("train", "val"):
            loss, acc = ref_evaluate(params, getattr(data, f"x_{split}"), getattr(data, f"y_{split}"))
            where = f"{what}: history after epoch {epoch + 1}"
            check_scalar(history[f"{split}_loss"][epoch], loss, f"{where}, {split}_loss",
                         rtol=1e-6, hint=f"evaluate(params, data.x_{split}, data.y_{split}) "
                         "with the params at the end of the epoch")
            check_scalar(history[f"{split}_acc"][epoch], acc, f"{where}, {split}_acc",
                         rtol=1e-6, hint=f"evaluate(params, data.x_{split}, data.y_{split}) "
                         "with the params at the end of the epoch")
    earlier = RECORDER.orders   # same seed -> same order, another seed -> another
    if seed in earlier and earlier[seed] != orders:
        raise AssertionError(f"{what}: a second run with the same seed shuffled differently — "
                             "draw every permutation from np.random.default_rng(seed)")
    if any(o == orders for s, o in earlier.items() if s != seed):
        raise AssertionError(f"{what}: seeds {seed} and {[s for s in earlier if s != seed]} "
                             "shuffled the same way — use np.random.default_rng(seed)")
    earlier[seed] = orders


def compare_train(actual, expected, what, case):
    _, data, epochs, batch_size, lr, momentum, seed = case.args
    params, history = _check_result(actual, what, epochs)
    if expected["loop"]:
        _check_loop(history, data, batch_size, lr, momentum, seed, what)
    else:
        acc = ref_evaluate(params, data.x_test, data.y_test)[1]
        if acc < expected["threshold"]:
            raise AssertionError(f"{what}: test accuracy {acc:.4f}, expected at least "
                                 f"{expected['threshold']} — is the loss going down in history?")


def _train_cases():
    from course.data import DigitsSplit, load_digits_split
    loop = DigitsSplit(**_synthetic_arrays(6604))
    cases = []
    for seed in (5, 5, 6):
        cases.append(Case(
            f"train(3 epochs, batch_size 16, lr 0.05, momentum 0.9, seed {seed}) on 50 random "
            "6x6 images",
            (ref_init_params(1, 3, 1, 6, 3), loop, 3, 16, 0.05, 0.9, seed),
            {"verbose": False}, group="loop", expect=lambda *a, **k: {"loop": True},
            before=functools.partial(RECORDER.start, loop, 16, first=not cases)))
    digits = load_digits_split(seed=1)
    cases.append(Case(
        "train on the digits (split seed 1; 10 epochs, batch_size 32, lr 0.05, momentum 0.9, "
        "seed 3), then the test accuracy of the returned params",
        (ref_init_params(3), digits, 10, 32, 0.05, 0.9, 3), {"verbose": False},
        group="accuracy", expect=lambda *a, **k: {"loop": False, "threshold": 0.95}))
    return cases


MODEL_USES = dict(LAYERS)

CHECKS = assignment_checks({
    "model_forward": Check(ref_model_forward, compare_scores, _forward_cases, uses=MODEL_USES),
    "model_loss_and_grads": Check(ref_model_loss_and_grads, compare_loss_and_grads,
                                  _loss_and_grads_cases, uses=MODEL_USES),
    "sgd_momentum_update": Check(ref_sgd_momentum_update, compare_update, _update_cases),
    "train": Check(ref_train, compare_train, _train_cases, uses=TRAIN_USES),
})
