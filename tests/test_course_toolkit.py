"""The student toolkit: gradient checking and the checks that explain themselves."""

import numpy as np
import pytest

from course.feedback import (check_array, check_dtype, check_int, check_scalar, check_shape,
                             check_tuple)
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
