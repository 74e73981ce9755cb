"""The hidden checks of 05_softmax, in-process: references right, stability named in words
(the corpus runs in test_checks_corpus.py)."""

import warnings

import numpy as np
import pytest

from autograder.checks.cases import failures
from autograder.checks.softmax import CHECKS, ref_cross_entropy_loss, ref_softmax
from autograder.checks.in_notebook import verify
from autograder.building.submissions import variant_sources
from course.gradcheck import numerical_gradient

from helpers import corpus, namespace_with

ASSIGNMENT = "05_softmax"
HAND_Z = np.log([[1.0, 2.0, 5.0], [1.0, 1.0, 1.0]])


def test_reference_softmax_matches_the_hand_example():
    np.testing.assert_allclose(ref_softmax(HAND_Z), [[0.125, 0.25, 0.625], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_array_equal(ref_softmax(np.array([[1000.0, 0.0, -1000.0]])), [[1, 0, 0]])


def test_reference_loss_matches_the_hand_example():
    loss, dz = ref_cross_entropy_loss(HAND_Z, np.array([2, 0]))
    assert np.isclose(loss, (np.log(1.6) + np.log(3)) / 2)
    np.testing.assert_allclose(dz, np.array([[1 / 8, 2 / 8, -3 / 8], [-2 / 3, 1 / 3, 1 / 3]]) / 2)


@pytest.mark.parametrize("label,loss", [(0, 0.0), (1, 1000.0), (2, 2000.0)])
def test_reference_loss_is_exact_for_huge_logits(label, loss):
    got, dz = ref_cross_entropy_loss(np.array([[1000.0, 0.0, -1000.0]]), np.array([label]))
    assert got == loss
    assert np.all(np.isfinite(dz)) and np.isclose(dz.sum(), 0.0)


@pytest.mark.parametrize("n,k,seed", [(2, 3, 0), (5, 4, 1), (3, 7, 2)])
def test_reference_gradient_matches_numerical_and_rows_sum_to_zero(n, k, seed):
    rng = np.random.default_rng(seed)
    z, y = rng.standard_normal((n, k)) * 2, rng.integers(0, k, size=n)
    _, dz = ref_cross_entropy_loss(z, y)
    numerical = numerical_gradient(lambda v: ref_cross_entropy_loss(v, y)[0], z, 1.0)
    np.testing.assert_allclose(dz, numerical, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-15)


def test_reference_loss_is_invariant_to_duplicating_the_batch():
    rng = np.random.default_rng(3)
    z, y = rng.standard_normal((4, 5)), np.array([0, 4, 2, 2])
    assert np.isclose(ref_cross_entropy_loss(z, y)[0],
                      ref_cross_entropy_loss(np.concatenate([z, z]), np.concatenate([y, y]))[0])


def test_references_keep_float32():
    z = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    assert ref_softmax(z).dtype == np.float32
    assert ref_cross_entropy_loss(z, np.array([0, 1, 3]))[1].dtype == np.float32


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    z, y = rng.standard_normal((6, 5)) * 3, rng.integers(0, 5, size=6)
    np.testing.assert_allclose(ref_softmax(z), torch.softmax(torch.from_numpy(z), 1).numpy())
    zt = torch.from_numpy(z).requires_grad_()
    loss = torch.nn.functional.cross_entropy(zt, torch.from_numpy(y))
    loss.backward()
    ours, dz = ref_cross_entropy_loss(z, y)
    assert np.isclose(ours, loss.item())
    np.testing.assert_allclose(dz, zt.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_group_has_cases(name):
    groups = {case.group for case in CHECKS[name].cases()}
    assert groups == {"values", "stability", "inputs"} | ({"gradient"} if name != "softmax" else set())


def corpus_file(stem):
    return next(p for p in corpus(ASSIGNMENT, stem.split("_")[0]) if p.stem == stem)


def test_a_softmax_bug_costs_nothing_in_the_loss():
    namespace, _ = namespace_with(ASSIGNMENT, corpus_file("bug_softmax_no_max_shift"))
    # a loss that calls softmax: its check must run with the reference softmax
    exec(variant_sources(corpus_file("alt_one_hot_matrix"))["cross_entropy_loss"], namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert failures(CHECKS["softmax"], namespace["softmax"])
        assert failures(CHECKS["cross_entropy_loss"], namespace["cross_entropy_loss"]) == []
    assert namespace["softmax"] is not CHECKS["cross_entropy_loss"].uses["softmax"]


@pytest.mark.parametrize("stub,words", [
    (lambda *a, **k: None, "returned None — did you forget `return`?"),
    (lambda z, y: np.zeros_like(z), "expected a tuple (loss, dz)"),
    (lambda z, y: (np.zeros(len(y)), np.zeros_like(z)), "expected a number near"),
    (lambda z, y: (0.0, np.zeros_like(z)), "expected"),
    (lambda z, y: (np.nan, np.zeros_like(z)), "expected a finite number"),
    (lambda z, y: (ref_cross_entropy_loss(z, y)[0], None), "dz: returned None"),
])
def test_stub_like_losses_get_words(stub, words):
    with pytest.raises(AssertionError) as error:
        verify("cross_entropy_loss", stub, "values")
    assert words in str(error.value)
    assert "hidden cases failed" in str(error.value)


def test_zeros_from_softmax_are_named():
    with pytest.raises(AssertionError, match="the result is all zeros"):
        verify("softmax", lambda z: np.zeros_like(z), "values")


@pytest.mark.parametrize("name,group", [("softmax", "inputs"), ("cross_entropy_loss", "values")])
def test_unimplemented_stub_says_so(name, group):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not implemented yet"):
        verify(name, stub, group)


def test_writing_into_the_logits_is_named():
    namespace, _ = namespace_with(ASSIGNMENT, corpus_file("bug_ce_in_place"))
    with pytest.raises(AssertionError, match="writes into one of its inputs"):
        verify("cross_entropy_loss", namespace["cross_entropy_loss"], "inputs")


def test_an_overflow_is_named():
    namespace, _ = namespace_with(ASSIGNMENT, corpus_file("bug_softmax_no_max_shift"))
    with pytest.raises(AssertionError, match="NumPy reports overflow encountered in exp"):
        verify("softmax", namespace["softmax"], "stability")


def test_each_cell_checks_what_it_is_named_for():
    """A loss off by a relative 2e-6 with an exact dz fails the loss's cases, not dz's."""
    def slightly_off(z, y):
        loss, dz = ref_cross_entropy_loss(z, y)
        return loss * (1 + 2e-6), dz

    check = CHECKS["cross_entropy_loss"]
    assert failures(check, slightly_off, "values")
    assert not failures(check, slightly_off, "gradient")
