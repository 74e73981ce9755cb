"""The student toolkit: gradient checking and the checks that explain themselves."""

import numpy as np
import pytest

from course.feedback import (call, check_array, check_arrays, check_dtype, check_int, check_scalar,
                             check_shape, check_tuple)
from course.gradcheck import numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function():
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    grad = numerical_gradient(lambda v: v ** 3, x, dout)
    assert rel_error(grad, 3 * x ** 2 * dout) < 1e-8


def test_numerical_gradient_works_in_float64_and_leaves_x_alone():
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x, 1.0)
    assert grad.dtype == np.float64
    assert rel_error(grad, np.cos(x.astype(np.float64))) < 1e-9
    np.testing.assert_array_equal(x, before)


def test_rel_error_is_one_against_zeros_and_zero_for_equal():
    a = np.array([1.0, -2.0])
    assert rel_error(a, np.zeros(2)) == 1.0
    assert rel_error(a, a) == 0.0


@pytest.mark.parametrize("actual,words", [
    (None, "returned None — did you forget `return`?"),
    ([[1.0, 2.0]], "returned a list of length 1, expected an array of shape (1, 2)"),
    (np.array([[1.0, np.nan]]), "contains nan at index (0, 1)"),
    (np.zeros((1, 2)), "the result is all zeros"),
    (np.array([[2.0, 1.0]]), "the right values in the wrong places"),
    (np.array([[1.0], [2.0]]), "the axes are reversed"),
    (np.array([[1.0, 2.5]]), "first at index (0, 1): got 2.5, expected 2"),
    (np.array([[1.0, 2.0]], dtype=np.float32), "dtype float32, expected float64"),
])
def test_check_array_says_what_is_wrong(actual, words):
    with pytest.raises(AssertionError) as error:
        check_array(actual, np.array([[1.0, 2.0]]), "f(x)", dtype=np.float64)
    assert str(error.value).startswith("f(x): ")
    assert words in str(error.value)


def test_check_array_passes_equal_values():
    check_array(np.array([1.0, 2.0 + 1e-12]), np.array([1.0, 2.0]), "f(x)")


@pytest.mark.parametrize("actual,words", [
    (3.0, "use floor division"), (None, "returned None"), (4, "returned 4, expected 3"),
    (True, "the bool True"),
])
def test_check_int_wants_an_int(actual, words):
    with pytest.raises(AssertionError, match=words):
        check_int(actual, 3, "size")


def test_check_int_accepts_numpy_ints():
    check_int(np.int64(3), 3, "size")


@pytest.mark.parametrize("actual,words", [
    (float("inf"), "expected a finite number"), ("1.0", "returned a str"), (1.5, "returned 1.5"),
])
def test_check_scalar(actual, words):
    with pytest.raises(AssertionError, match=words):
        check_scalar(actual, 1.0, "loss")
    check_scalar(np.float64(1.0), 1.0, "loss")


def test_check_shape_dtype_and_tuple():
    check_shape(np.zeros((2, 3)), (2, 3), "out")
    with pytest.raises(AssertionError, match=r"shape \(3, 2\), expected \(2, 3\)"):
        check_shape(np.zeros((3, 2)), (2, 3), "out")
    with pytest.raises(AssertionError, match="keep the input's dtype"):
        check_dtype(np.zeros(2), np.float32, "out")
    with pytest.raises(AssertionError, match=r"expected a tuple \(dx, dw\)"):
        check_tuple(np.zeros(2), (np.zeros(2), np.zeros(2)), ("dx", "dw"), "backward")
    with pytest.raises(AssertionError, match="backward, dw: returned None"):
        check_tuple((np.zeros(2), None), (np.zeros(2), np.zeros(2)), ("dx", "dw"), "backward")


def _pads_only_in_the_output_size(x, kh, kw, stride=1, pad=0):
    oh = (x.shape[2] + 2 * pad - kh) // stride + 1
    return np.zeros((oh, 2)) + x[0, 0, :, :2]


_pads_only_in_the_output_size.__name__ = "im2col"


def _stub(x):
    raise NotImplementedError()


def _writes_into(x):
    x *= 2
    return x


def test_call_returns_what_the_function_returns():
    assert call(lambda a, b: a + b, 1, b=2) == 3


@pytest.mark.parametrize("fn,args,words", [
    (_pads_only_in_the_output_size, (np.zeros((2, 3, 5, 7)), 3, 3), [
        "im2col(array 2x3x5x7, 3, 3, pad=2): raised ValueError", "broadcast",
        "of _pads_only_in_the_output_size: `return np.zeros((oh, 2)) + x[0, 0, :, :2]`", "padded image"]),
    (_stub, (1,), ["_stub(1): not written yet", "raise NotImplementedError()"]),
    (_writes_into, (np.zeros(3),), ["_writes_into(array 3): writes into one of its inputs",
                                    "work on a copy"]),
    (lambda: [][1], (), ["the function(): raised IndexError", "index runs past"]),
])
def test_call_turns_a_crash_into_a_sentence(fn, args, words):
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    if fn is _writes_into:
        args[0].setflags(write=False)
    kwargs = {"pad": 2} if fn is _pads_only_in_the_output_size else {}
    with pytest.raises(AssertionError) as failure:
        call(fn, *args, **kwargs)
    for word in words:
        assert word in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__ is False


def test_call_keeps_a_checks_sentence():
    def checked(x):
        check_int(x, 3, "inner")
    with pytest.raises(AssertionError, match="^inner: returned 2, expected 3$"):
        call(checked, 2)


def test_check_arrays_unpacks_or_says_what_came_back():
    a, b = check_arrays((np.zeros(1), np.ones(2)), ("dx", "dw"), "f()")
    assert b.shape == (2,)
    for value, words in ((None, "did you forget `return`"), (1.5, "expected a tuple (dx, dw)"),
                         ((np.zeros(1), 2.0), "f(), dw: returned the float 2.0")):
        with pytest.raises(AssertionError, match=words.replace("(", r"\(").replace(")", r"\)")):
            check_arrays(value, ("dx", "dw"), "f()")


def test_numerical_gradient_says_when_the_forward_shape_is_wrong():
    with pytest.raises(AssertionError, match=r"returned shape \(2,\), but the upstream gradient has"):
        numerical_gradient(lambda v: v[:2], np.zeros(3), np.ones(3))
    with pytest.raises(AssertionError, match="returned None"):
        numerical_gradient(lambda v: None, np.zeros(3), np.ones(3))
