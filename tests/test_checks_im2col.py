"""The hidden checks of 01_im2col, in-process: references right, messages in words
(the corpus runs in test_checks_corpus.py)."""

import numpy as np
import pytest

from autograder.checks.im2col import ref_col2im, ref_im2col
from autograder.checks.in_notebook import verify

from helpers import namespace_with

ASSIGNMENT = "01_im2col"


def test_reference_im2col_matches_the_hand_example():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    expected = [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]
    np.testing.assert_array_equal(ref_im2col(x, 2, 2, stride=2), expected)


@pytest.mark.parametrize("config", [(2, 3, 7, 5, 3, 3, 1, 1), (1, 2, 6, 9, 2, 3, 2, 0),
                                    (2, 2, 9, 7, 3, 2, 3, 2)])
def test_reference_col2im_is_the_adjoint_of_im2col(config):
    n, c, h, w, kh, kw, stride, pad = config
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, c, h, w))
    cols = ref_im2col(x, kh, kw, stride, pad)
    y = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(cols * y), np.sum(x * ref_col2im(y, x.shape, kh, kw, stride, pad)))


# The solution takes a faster path when stride is 1 and OW == W ("same" padding in W): these
# cover it with and without "same" in H, next to the general path and its edge cases
# (windows wholly in padding, W of 1, kernels of 1, non-contiguous input).
SOLUTION_PATHS = [(2, 3, 7, 5, 3, 3, 1, 1), (1, 2, 6, 9, 5, 3, 1, 1), (2, 1, 4, 4, 1, 5, 1, 2),
                  (1, 2, 5, 1, 3, 3, 1, 1), (2, 2, 3, 3, 1, 1, 1, 0), (1, 1, 8, 6, 3, 3, 1, 0),
                  (2, 2, 4, 11, 2, 4, 1, 1), (1, 3, 3, 4, 3, 3, 1, 2), (2, 2, 9, 7, 3, 2, 3, 2),
                  (1, 2, 6, 6, 3, 3, 2, 1)]


@pytest.mark.parametrize("config", SOLUTION_PATHS, ids=lambda c: "x".join(map(str, c)))
@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "strided"])
def test_solution_im2col_and_col2im_match_the_loop_references(config, contiguous):
    n, c, h, w, kh, kw, stride, pad = config
    solution, _ = namespace_with(ASSIGNMENT)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((n, c, h, w)) if contiguous else \
        rng.standard_normal((c, n, w, h)).transpose(1, 0, 3, 2)
    cols = solution["im2col"](x, kh, kw, stride, pad)
    np.testing.assert_array_equal(cols, ref_im2col(x, kh, kw, stride, pad))
    y = rng.standard_normal(cols.shape)
    np.testing.assert_allclose(solution["col2im"](y, x.shape, kh, kw, stride, pad),
                               ref_col2im(y, x.shape, kh, kw, stride, pad), rtol=1e-12, atol=1e-12)


def test_reference_im2col_matches_torch_unfold():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(6).standard_normal((2, 3, 7, 6))
    ours = ref_im2col(x, 3, 2, stride=2, pad=1)
    theirs = torch.nn.functional.unfold(torch.from_numpy(x), (3, 2), padding=1, stride=2)
    np.testing.assert_allclose(ours, theirs.numpy().transpose(0, 2, 1).reshape(ours.shape))


@pytest.mark.parametrize("stub,words", [
    (lambda *a, **k: None, "returned None — did you forget `return`?"),
    (lambda x, *a, **k: np.zeros((1, 1)), "shape (1, 1), expected"),
    (lambda *a, **k: [[0.0]], "returned a list"),
])
def test_stub_like_answers_get_words(stub, words):
    with pytest.raises(AssertionError) as error:
        verify("im2col", stub, "values")
    assert words in str(error.value)
    assert "hidden cases failed" in str(error.value)


def test_unimplemented_stub_says_so():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not implemented yet"):
        verify("col2im", stub, "shapes")


def test_writing_into_the_input_is_named():
    namespace, _ = namespace_with(ASSIGNMENT)

    def writes(x, kh, kw, stride=1, pad=0):
        x *= 1.0
        return namespace["im2col"](x, kh, kw, stride, pad)
    with pytest.raises(AssertionError, match="writes into one of its inputs"):
        verify("im2col", writes, "inputs")
