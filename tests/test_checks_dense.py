"""The hidden checks of 04_dense, in-process: references right, messages in words
(the corpus runs in test_checks_corpus.py)."""

import re

import nbformat
import numpy as np
import pytest

from autograder.checks.dense import (CHECKS, ref_dense_backward, ref_dense_forward,
                                     ref_flatten_backward, ref_flatten_forward, ref_relu_backward,
                                     ref_relu_forward)
from autograder.checks.in_notebook import verify
from course.gradcheck import numerical_gradient, rel_error

from helpers import source_notebooks

ASSIGNMENT = "04_dense"


def test_reference_dense_matches_the_worked_example():
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, -1.0, 2.0])
    np.testing.assert_array_equal(ref_dense_forward(x, w, b), [[5.5, 1, 1], [1.5, -2, -1]])
    dx, dw, db = ref_dense_backward(np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]]), x, w)
    np.testing.assert_array_equal(dx, [[-1, 2], [-1, -1]])
    np.testing.assert_array_equal(dw, [[-2, 3, 2], [3, -1, 4]])
    np.testing.assert_array_equal(db, [0, 1, 2])


def test_reference_relu_is_zero_at_exact_zeros():
    x = np.array([-1.0, -0.0, 0.0, 2.0])
    np.testing.assert_array_equal(ref_relu_forward(x), [0, 0, 0, 2])
    np.testing.assert_array_equal(ref_relu_backward(np.full(4, 7.0), x), [0, 0, 0, 7])


def test_reference_flatten_is_c_order_and_its_backward_inverts_it():
    x = np.random.default_rng(8).standard_normal((3, 2, 4, 5))
    flat = ref_flatten_forward(x)
    np.testing.assert_array_equal(flat, x.reshape(3, -1))
    np.testing.assert_array_equal(ref_flatten_backward(flat, x.shape), x)


@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4, 5)])
def test_reference_relu_backward_matches_a_numerical_gradient(shape):
    rng = np.random.default_rng(9)
    x = rng.standard_normal(shape)
    x[np.abs(x) < 0.05] = 0.3
    dout = rng.standard_normal(shape)
    assert rel_error(ref_relu_backward(dout, x), numerical_gradient(ref_relu_forward, x, dout)) < 1e-8


def test_reference_flatten_backward_matches_a_numerical_gradient():
    dout = np.random.default_rng(10).standard_normal((2, 24))
    numerical = numerical_gradient(ref_flatten_forward, np.zeros((2, 3, 2, 4)), dout)
    assert rel_error(ref_flatten_backward(dout, (2, 3, 2, 4)), numerical) < 1e-8


@pytest.mark.parametrize("n,d,m", [(5, 4, 3), (2, 6, 6)])
def test_reference_dense_backward_matches_numerical_gradients(n, d, m):
    rng = np.random.default_rng(11)
    x, w, b = rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m)
    dout = rng.standard_normal((n, m))
    numerical = (numerical_gradient(lambda v: ref_dense_forward(v, w, b), x, dout),
                 numerical_gradient(lambda v: ref_dense_forward(x, v, b), w, dout),
                 numerical_gradient(lambda v: ref_dense_forward(x, w, v), b, dout))
    for mine, theirs in zip(ref_dense_backward(dout, x, w), numerical):
        assert rel_error(mine, theirs) < 1e-7


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    images = torch.tensor(rng.standard_normal((3, 2, 4, 5)), requires_grad=True)
    w, b = rng.standard_normal((40, 6)), rng.standard_normal(6)
    flat = torch.nn.Flatten()(images)
    pre = torch.nn.functional.linear(flat, torch.from_numpy(w.T), torch.from_numpy(b))
    out = torch.relu(pre)
    dout = rng.standard_normal((3, 6))
    out.backward(torch.from_numpy(dout))

    x = images.detach().numpy()
    ours_flat = ref_flatten_forward(x)
    ours_pre = ref_dense_forward(ours_flat, w, b)
    np.testing.assert_allclose(ours_flat, flat.detach().numpy())
    np.testing.assert_allclose(ref_relu_forward(ours_pre), out.detach().numpy())
    dpre = ref_relu_backward(dout, ours_pre)
    dflat, _, _ = ref_dense_backward(dpre, ours_flat, w)
    np.testing.assert_allclose(ref_flatten_backward(dflat, x.shape), images.grad.numpy())


def test_every_group_named_in_the_notebook_has_cases():
    calls = []
    for notebook in source_notebooks(ASSIGNMENT):
        for cell in nbformat.read(notebook, as_version=4).cells:
            calls += re.findall(r'verify\("(\w+)", \w+, "(\w+)"\)', cell.source)
    assert {name for name, _ in calls} == set(CHECKS)
    for name, group in calls:
        assert any(case.group == group for case in CHECKS[name].cases()), (name, group)
    for name, check in CHECKS.items():
        groups = {case.group for case in check.cases()}
        assert groups <= {group for n, group in calls if n == name}, f"{name}: ungraded groups"


@pytest.mark.parametrize("name,group", [("relu_forward", "values"), ("relu_backward", "gradient"),
                                        ("flatten_backward", "values"), ("dense_backward", "values")])
@pytest.mark.parametrize("stub,words", [
    (lambda *a, **k: None, "returned None — did you forget `return`?"),
    (lambda *a, **k: [[0.0]], "returned a list"),
])
def test_stub_like_answers_get_words(name, group, stub, words):
    with pytest.raises(AssertionError) as error:
        verify(name, stub, group)
    assert words in str(error.value)
    assert "hidden cases failed" in str(error.value)


def test_all_zeros_is_called_unfinished():
    with pytest.raises(AssertionError, match="the result is all zeros: is the function finished?"):
        verify("relu_backward", lambda dout, x: np.zeros_like(dout), "gradient")
    with pytest.raises(AssertionError, match="dx: .*all zeros"):
        verify("dense_backward", lambda dout, x, w: (np.zeros((len(x), w.shape[0])),
                                                     np.zeros_like(w), np.zeros(w.shape[1])),
               "gradient")


def test_nan_is_named():
    with pytest.raises(AssertionError, match="contains nan"):
        verify("dense_forward", lambda x, w, b: np.full((len(x), w.shape[1]), np.nan), "values")


def test_a_tuple_of_the_wrong_length_is_named():
    with pytest.raises(AssertionError, match=r"expected a tuple \(dx, dw, db\)"):
        verify("dense_backward", lambda dout, x, w: (dout @ w.T, x.T @ dout), "values")


def test_unimplemented_stub_says_so():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    for name in CHECKS:
        with pytest.raises(AssertionError, match="not implemented yet"):
            verify(name, stub)


@pytest.mark.parametrize("name,writes", [
    ("relu_forward", lambda x: np.maximum(x, 0, out=x)),
    ("relu_backward", lambda dout, x: np.multiply(dout, x > 0, out=dout)),
    ("dense_backward", lambda dout, x, w: (dout @ w.T, x.T @ dout, dout.sum(axis=0),
                                           np.subtract(w, 0.0, out=w))[:3]),
])
def test_writing_into_an_input_is_named(name, writes):
    with pytest.raises(AssertionError, match="writes into one of its inputs"):
        verify(name, writes, "inputs")


def test_float32_results_are_required_for_each_gradient():
    def float64_dw(dout, x, w):
        return dout @ w.T, (x.T @ dout).astype(np.float64), dout.sum(axis=0)
    with pytest.raises(AssertionError, match="dw: dtype float64, expected float32"):
        verify("dense_backward", float64_dw, "inputs")
