"""Numerical gradients by central differences, always in float64."""

import numpy as np

from .feedback import call


def rel_error(a, b):
    """Largest relative error between two arrays, as in CS231n.

    About 1e-7 or less is right for one layer; 1.0 means one side is all zeros.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _check_output(out, dout):
    """A forward pass whose output cannot meet dout fails here, as a sentence, not in NumPy."""
    if out is None:
        raise AssertionError("numerical_gradient: the function returned None — is the forward "
                             "function finished, and does it `return`?")
    shape = np.shape(out)
    if dout.ndim and shape != dout.shape:
        raise AssertionError(f"numerical_gradient: the function returned shape {shape}, but the "
                             f"upstream gradient has shape {dout.shape} — the forward function's "
                             "output shape is wrong: fix its tests first")


def numerical_gradient(f, x, dout, h=1e-5):
    """Gradient of sum(f(x) * dout) with respect to x, by central differences.

    Inputs:
    - f: function of one array returning an array (or a scalar)
    - x: array of any shape; perturbed as a float64 copy, never written to
    - dout: upstream gradient, same shape as f(x) (use 1.0 for a scalar loss)
    - h: step size

    Returns:
    - grad: float64 array, same shape as x
    """
    x = np.array(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    _check_output(call(f, x.copy()), dout)
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        plus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        flat_x[i] = old - h
        minus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        flat_x[i] = old
        flat_grad[i] = (plus - minus) / (2 * h)
    return grad
