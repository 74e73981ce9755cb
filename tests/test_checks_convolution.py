"""The hidden checks of 02_convolution, in-process: references right, reference helpers used
(the corpus runs in test_checks_corpus.py)."""

import numpy as np
import pytest

from autograder.checks.cases import failures
from autograder.checks.convolution import (CHECKS, USES, numerical_conv_backward,
                                           ref_conv_backward, ref_conv_forward)
from autograder.checks.in_notebook import verify
from autograder.building.submissions import variant_sources
from course.gradcheck import rel_error

from helpers import corpus, namespace_with

ASSIGNMENT = "02_convolution"
X = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
W = np.array([[[[1.0, 2.0], [3.0, 4.0]]], [[[0.0, 0.0], [0.0, 1.0]]]])


def test_reference_forward_matches_the_worked_example():
    out = ref_conv_forward(X, W, np.array([1.0, 0.0]))
    np.testing.assert_array_equal(out, [[[[38, 48], [68, 78]], [[5, 6], [8, 9]]]])
    np.testing.assert_array_equal(ref_conv_forward(X, W[:1], np.ones(1), stride=2, pad=1),
                                  [[[[5, 19], [37, 78]]]])


def test_reference_backward_matches_the_worked_example():
    dx, dw, db = ref_conv_backward(np.ones((1, 1, 2, 2)), X, W[:1])
    np.testing.assert_array_equal(dx, [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]])
    np.testing.assert_array_equal(dw, [[[[12, 16], [24, 28]]]])
    np.testing.assert_array_equal(db, [4])


@pytest.mark.parametrize("config", [(2, 3, 5, 4, 2, 3, 2, 2, 1), (1, 2, 6, 7, 3, 2, 3, 3, 2)])
def test_reference_backward_matches_numerical_gradients(config):
    n, c, h, w, f, kh, kw, stride, pad = config
    rng = np.random.default_rng(9)
    x, weights = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    dout = rng.standard_normal((n, f, oh, ow))
    for ours, numerical in zip(ref_conv_backward(dout, x, weights, stride, pad),
                               numerical_conv_backward(dout, x, weights, stride, pad)):
        assert rel_error(ours, numerical) < 1e-6


def test_reference_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    x, w, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.conv2d(tx, tw, tb, stride=2, padding=1)
    np.testing.assert_allclose(ref_conv_forward(x, w, b, stride=2, pad=1), out.detach().numpy())
    dout = rng.standard_normal(tuple(out.shape))
    out.backward(torch.from_numpy(dout))
    for ours, theirs in zip(ref_conv_backward(dout, x, w, stride=2, pad=1), (tx, tw, tb)):
        np.testing.assert_allclose(ours, theirs.grad.numpy())


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_hidden_cases_use_the_reference_im2col_not_the_students(name):
    namespace, _ = namespace_with(ASSIGNMENT)

    def broken(*args, **kwargs):
        raise AssertionError("the student's own im2col/col2im was called")
    # as load_functions("01_im2col", ...) marks what it loads (the student's own 01 functions)
    broken.__cnn_loaded_from__ = "01_im2col"
    namespace.update(conv_output_size=broken, im2col=broken, col2im=broken)
    assert failures(CHECKS[name], namespace[name]) == []
    assert namespace["im2col"] is broken, "the student's function was not put back"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_helper_of_the_students_own_under_the_same_name_stays_theirs(name):
    """An im2col the student wrote in 02 (not loaded from 01) is theirs: no reference replaces it."""
    namespace, _ = namespace_with(ASSIGNMENT)
    calls = []

    def own_im2col(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("own helper")
    namespace.update(im2col=own_im2col, col2im=own_im2col)
    assert failures(CHECKS[name], namespace[name])
    assert calls


def test_corpus_covers_both_functions():
    defined = {name for v in corpus(ASSIGNMENT, "bug") for name in variant_sources(v)}
    assert set(CHECKS) <= defined
    assert len(corpus(ASSIGNMENT, "bug")) >= 8 and len(corpus(ASSIGNMENT, "alt")) >= 2


def _raises(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name,stub,words", [
    ("conv_forward", lambda *a, **k: None, "returned None — did you forget `return`?"),
    ("conv_forward", lambda x, w, b, **k: np.zeros((x.shape[0], w.shape[0], 1, 1)), "expected"),
    ("conv_forward", lambda *a, **k: [[0.0]], "returned a list"),
    ("conv_forward", _raises, "not implemented yet"),
    ("conv_backward", lambda *a, **k: None, "returned None — did you forget `return`?"),
    ("conv_backward", lambda dout, x, w, **k: np.zeros_like(x), "expected a tuple (dx, dw, db)"),
    ("conv_backward", lambda dout, x, w, **k: (np.zeros_like(x), np.zeros_like(w),
                                               np.zeros(w.shape[0])), "the result is all zeros"),
    ("conv_backward", lambda dout, x, w, **k: (x * np.nan, w, w[:, 0, 0, 0]), "contains nan"),
    ("conv_backward", _raises, "not implemented yet"),
])
def test_stub_like_answers_get_words(name, stub, words):
    with pytest.raises(AssertionError) as error:
        verify(name, stub, "values")
    assert words in str(error.value)
    assert "hidden cases failed" in str(error.value)


def test_a_backward_pass_that_updates_w_is_named():
    namespace, _ = namespace_with(ASSIGNMENT)
    namespace.update(USES)

    def updates(dout, x, w, stride=1, pad=0):
        grads = namespace["conv_backward"](dout, x, w, stride, pad)
        w -= 0.1 * grads[1]
        return grads
    with pytest.raises(AssertionError, match="writes into one of its inputs"):
        verify("conv_backward", updates, "inputs")


def test_a_forward_pass_that_loses_float32_is_named():
    namespace, _ = namespace_with(ASSIGNMENT)
    namespace.update(USES)

    def widens(x, w, b, stride=1, pad=0):
        return namespace["conv_forward"](x, w, b, stride, pad).astype(np.float64)
    with pytest.raises(AssertionError, match="dtype float64, expected float32"):
        verify("conv_forward", widens, "inputs")
