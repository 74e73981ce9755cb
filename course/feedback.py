"""Checks that explain themselves: each failure is one sentence a student can act on.

Visible tests in the notebooks and the hidden checks both use these, so a
student reads the same kind of message everywhere. Every check raises
`AssertionError` with a message that starts with `what` (the call or case).
"""

import numbers

import numpy as np


def describe(value):
    """A few words for what a function returned, for error messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {value}"
    if isinstance(value, numbers.Number):
        return f"the {type(value).__name__} {value!r}"
    return f"a {type(value).__name__}"


def _fail(what, message):
    raise AssertionError(f"{what}: {message}")


def _check_returned(actual, what):
    if actual is None:
        _fail(what, "returned None — did you forget `return`?")


def check_int(actual, expected, what, hint=""):
    """`actual` must be a Python or NumPy integer equal to `expected`."""
    _check_returned(actual, what)
    if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, numbers.Integral):
        extra = " — use floor division `//` (or int())" if isinstance(actual, numbers.Real) else ""
        _fail(what, f"returned {describe(actual)}, expected the int {expected}{extra}")
    if actual != expected:
        _fail(what, f"returned {actual}, expected {expected}" + (f". Hint: {hint}" if hint else ""))


def check_scalar(actual, expected, what, rtol=1e-7, atol=1e-10, hint=""):
    """`actual` must be a finite real number close to `expected`."""
    _check_returned(actual, what)
    if isinstance(actual, np.ndarray) and actual.size == 1:
        actual = actual.reshape(())[()]
    if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, numbers.Real):
        _fail(what, f"returned {describe(actual)}, expected a number near {expected:.6g}")
    if not np.isfinite(actual):
        _fail(what, f"returned {actual} — expected a finite number near {expected:.6g}"
              " (an overflow in exp, or log(0)?)" + (f". Hint: {hint}" if hint else ""))
    if not np.isclose(actual, expected, rtol=rtol, atol=atol):
        _fail(what, f"returned {float(actual):.8g}, expected {expected:.8g}"
              + (f". Hint: {hint}" if hint else ""))


def check_array(actual, expected, what, rtol=1e-7, atol=1e-10, dtype=None, hint=""):
    """`actual` must be an ndarray with `expected`'s shape, `dtype` (if given) and values.

    The message names the first element that differs, and says when the values
    are right but in the wrong places, or when everything is zero.
    """
    expected = np.asarray(expected)
    _check_returned(actual, what)
    if not isinstance(actual, np.ndarray):
        _fail(what, f"returned {describe(actual)}, expected an array of shape {expected.shape}")
    if actual.shape != expected.shape:
        extra = ""
        if actual.shape == expected.shape[::-1] and actual.ndim > 1:
            extra = " (the axes are reversed: a transpose missing or extra?)"
        elif actual.size == expected.size:
            extra = " (right number of elements: reshaped wrongly?)"
        _fail(what, f"shape {actual.shape}, expected {expected.shape}{extra}"
              + (f". Hint: {hint}" if hint else ""))
    if dtype is not None and actual.dtype != np.dtype(dtype):
        _fail(what, f"dtype {actual.dtype}, expected {np.dtype(dtype)} — keep the input's dtype")
    if not np.issubdtype(actual.dtype, np.number) and actual.dtype != np.bool_:
        _fail(what, f"dtype {actual.dtype} is not numeric")
    bad = ~np.isfinite(actual) if np.issubdtype(actual.dtype, np.inexact) else np.zeros(actual.shape, bool)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        _fail(what, f"contains {actual[index]} at index {index} — expected finite values"
              " (an overflow in exp, log(0) or 0/0?)" + (f". Hint: {hint}" if hint else ""))
    close = np.isclose(actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol)
    if close.all():
        return
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f" at index {index}" if index else ""
    message = (f"{np.count_nonzero(~close)} of {close.size} values differ; first{where}: "
               f"got {actual[index]:.6g}, expected {expected[index]:.6g}")
    if not np.any(actual) and np.any(expected):
        message += " — the result is all zeros: is the function finished?"
    elif np.allclose(np.sort(actual, axis=None), np.sort(expected, axis=None), rtol=rtol, atol=atol):
        message += " — the right values in the wrong places (a reshape where a transpose is needed?)"
    if hint:
        message += f". Hint: {hint}"
    _fail(what, message)


def check_tuple(actual, expected, names, what, keep_dtype=False, **kwargs):
    """`actual` must be a tuple of arrays `names`, each matching `expected`
    (and, with `keep_dtype`, each of `expected`'s dtype)."""
    _check_returned(actual, what)
    if not isinstance(actual, (tuple, list)) or len(actual) != len(names):
        _fail(what, f"returned {describe(actual)}, expected a tuple ({', '.join(names)})")
    for name, got, want in zip(names, actual, expected):
        dtype = np.asarray(want).dtype if keep_dtype else None
        check_array(got, want, f"{what}, {name}", dtype=dtype, **kwargs)


def check_shape(actual, expected_shape, what, hint=""):
    """`actual` must be an ndarray of shape `expected_shape`."""
    _check_returned(actual, what)
    if not isinstance(actual, np.ndarray):
        _fail(what, f"returned {describe(actual)}, expected an array of shape {tuple(expected_shape)}")
    if actual.shape != tuple(expected_shape):
        _fail(what, f"shape {actual.shape}, expected {tuple(expected_shape)}"
              + (f". Hint: {hint}" if hint else ""))


def check_dtype(actual, expected_dtype, what):
    """`actual` must be an ndarray of dtype `expected_dtype` (a function keeps its input's dtype)."""
    _check_returned(actual, what)
    if not isinstance(actual, np.ndarray):
        _fail(what, f"returned {describe(actual)}, expected an array")
    if actual.dtype != np.dtype(expected_dtype):
        _fail(what, f"dtype {actual.dtype}, expected {np.dtype(expected_dtype)} — keep the input's dtype")


def check_loss_and_grad(actual, what, loss=None, grad=None, names=("loss", "dz"), rtol=1e-7,
                        atol=1e-10, dtype=None, hint=""):
    """`actual` must be a pair (loss, gradient): a finite number and an array.

    With `loss` or `grad` given, their values (and `dtype`) are compared too.
    """
    _check_returned(actual, what)
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        _fail(what, f"returned {describe(actual)}, expected a tuple ({', '.join(names)})")
    value, gradient = actual
    if loss is None:
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(())[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            _fail(f"{what}, {names[0]}", f"returned {describe(value)}, expected one number")
        if not np.isfinite(value):
            _fail(f"{what}, {names[0]}", f"returned {value} — expected a finite number"
                  " (an overflow in exp, or log(0)?)")
    else:
        check_scalar(value, loss, f"{what}, {names[0]}", rtol=rtol, atol=atol, hint=hint)
    if grad is None:
        if not isinstance(gradient, np.ndarray):
            _fail(f"{what}, {names[1]}", f"returned {describe(gradient)}, expected an array")
    else:
        check_array(gradient, grad, f"{what}, {names[1]}", rtol=rtol, atol=atol, dtype=dtype,
                    hint=hint)
