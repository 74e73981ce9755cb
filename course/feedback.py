"""Checks that explain themselves: each failure is one sentence a student can act on.

Visible tests in the notebooks and the hidden checks both use these, so a
student reads the same kind of message everywhere. Every check raises
`AssertionError` with a message that starts with `what` (the call or case).
"""

import linecache
import numbers
import os
import sysconfig
import traceback

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


def describe_call(fn, args, kwargs):
    """`im2col(array 2x3x5x7, 3, 3, pad=1)`: a call as a student would write it, arrays by shape."""
    def short(value):
        if isinstance(value, np.ndarray):
            return f"array {'x'.join(map(str, value.shape)) or 'of shape ()'}"
        if isinstance(value, dict):
            return f"dict of {', '.join(map(str, value))}" if len(value) <= 6 else "a dict"
        if callable(value):
            return getattr(value, "__name__", "a function")
        text = repr(value)
        return text if len(text) <= 40 else describe(value)
    shown = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    name = getattr(fn, "__name__", "<lambda>")
    return f"{'the function' if name == '<lambda>' else name}({', '.join(shown)})"


# Where a crash in a graded function usually comes from, added to a shape error's generic hint.
_CRASH_HINTS = {
    "im2col": "is the padded image (N, C, H + 2·pad, W + 2·pad), and do OH and OW come from it "
              "through conv_output_size?",
    "col2im": "cols has N·OH·OW rows and C·kh·kw columns: reshape it in that order, then add each "
              "window into a padded image of shape (N, C, H + 2·pad, W + 2·pad) and cut the padding off",
    "conv_forward": "cols @ w.reshape(F, -1).T has shape (N·OH·OW, F): reshape it to (N, OH, OW, F) "
                    "and move F to axis 1 with a transpose",
    "conv_backward": "dout (N, F, OH, OW) becomes (N·OH·OW, F) by moving F last before the reshape; "
                     "dcols then has the shape of im2col's output",
    "maxpool_forward": "OH = (H - size) // stride + 1, and window (oh, ow) starts at row oh·stride",
    "maxpool_backward": "dx has x's shape and dout has the output's: each window sends its "
                        "dout entry to one position of x",
    "flatten_backward": "dx is dout reshaped back to x_shape",
    "dense_forward": "x (N, D) @ w (D, M) + b (M,)",
    "dense_backward": "dx = dout @ w.T (N, D), dw = x.T @ dout (D, M), db sums dout over the batch (M,)",
    "softmax": "keepdims=True keeps the row sums (N, 1) so that they broadcast against z (N, K)",
    "cross_entropy_loss": "y holds N integer labels: pick each row's score with z[np.arange(N), y]",
    "adam_step": "grad, m and v all have param's shape, and every operation is elementwise",
    "batchnorm_forward": "gamma, beta and the statistics have shape (C,): reshape them to (1, C, 1, 1), "
                         "or take the statistics with keepdims=True, to broadcast against x (N, C, H, W)",
    "batchnorm_backward": "dgamma and dbeta sum over axis=(0, 2, 3) to shape (C,); gamma and the "
                          "statistics broadcast against dout as (1, C, 1, 1)",
}
# What an exception usually means, whatever the function: the first matching one wins.
_GENERIC_HINTS = (
    (ValueError, "broadcast", "two arrays on that line have shapes that do not fit together: print "
                              "their .shape and compare with the shape table"),
    (ValueError, "not aligned", "the inner sizes of a matrix product disagree: print both shapes"),
    (ValueError, "matmul", "the inner sizes of a matrix product disagree: print both shapes"),
    (ValueError, "reshape", "a reshape to a size that does not match the number of elements: "
                            "print the shape before the reshape"),
    (IndexError, "", "an index runs past the end of an axis: compare the loop bounds and slices "
                     "with the output size"),
    (TypeError, "", "check the arguments and what each call on that line returns"),
    (NameError, "", "a typo, or a cell above that has not been run yet?"),
)


def _crash_hint(fn, error):
    name = getattr(fn, "__name__", "")
    for kind, words, hint in _GENERIC_HINTS:
        if isinstance(error, kind) and words in str(error):
            shape_bug = isinstance(error, (ValueError, IndexError))
            if shape_bug and name in _CRASH_HINTS:
                return f"{hint}. For {name}: {_CRASH_HINTS[name]}"
            return hint
    return _CRASH_HINTS.get(name, "")


def _student_line(error):
    """' (line 7 of im2col: `xp[...] = x`)': the deepest frame outside NumPy and this toolkit.
    An exception that carries `student_line` says it itself (a replay of a recorded crash)."""
    if isinstance(getattr(error, "student_line", None), str):
        return error.student_line
    libraries = tuple({os.path.dirname(os.path.abspath(__file__)), os.path.dirname(np.__file__),
                       *sysconfig.get_paths().values()})
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if not os.path.abspath(frame.filename).startswith(libraries):
            text = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
            code = f": `{text[:100]}`" if text else ""
            return f" (line {frame.lineno} of {frame.name}{code})"
    return ""


def call(fn, *args, **kwargs):
    """`fn(*args, **kwargs)`, with a crash turned into a check failure that names the call.

    Visible tests call a student's function through this, so that a crash deep in
    NumPy reads as a sentence: which call, which exception, which line of the
    student's function, and the usual cause of that crash in that function.
    """
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        message = "not written yet (replace `raise NotImplementedError()` with your code)"
    except AssertionError:
        raise   # already a check's sentence (a nested call, or the student's own assert)
    except Exception as error:
        if isinstance(error, ValueError) and "read-only" in str(error):
            message = (f"writes into one of its inputs ({error}){_student_line(error)}: work on a "
                       "copy or build a new array")
        else:
            hint = _crash_hint(fn, error)
            message = (f"raised {type(error).__name__}: {error}{_student_line(error)}"
                       + (f". Hint: {hint}" if hint else ""))
    raise AssertionError(f"{describe_call(fn, args, kwargs)}: {message}")


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


def check_arrays(actual, names, what):
    """`actual` must be a tuple of len(names) arrays; returns it, ready to unpack."""
    _check_returned(actual, what)
    if not isinstance(actual, (tuple, list)) or len(actual) != len(names):
        _fail(what, f"returned {describe(actual)}, expected a tuple ({', '.join(names)})")
    for name, value in zip(names, actual):
        if not isinstance(value, np.ndarray):
            _fail(f"{what}, {name}", f"returned {describe(value)}, expected an array")
    return tuple(actual)


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
