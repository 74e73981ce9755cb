"""The hidden checks of 03_pooling are right, and they tell right answers from wrong ones.

In-process and fast: the loop references against hand values, numerical
gradients and (if installed) PyTorch; the notebook's solution, every correct
alternative and every buggy variant of tests/corpus/03_pooling against the
hidden cases and the visible tests; and the messages a stub-like answer gets.
"""

import re

import nbformat
import numpy as np
import pytest

from autograder.checks.cases import failures
from autograder.checks.pooling import (CHECKS, numerical_maxpool_backward, ref_maxpool_backward,
                                       ref_maxpool_forward)
from autograder.checks.in_notebook import verify
from autograder.building.submissions import variant_sources
from autograder.grading.trusted import split_test
from course.gradcheck import numerical_gradient, rel_error

from helpers import corpus, namespace_with, source_notebooks

ASSIGNMENT = "03_pooling"
NAMES = ("maxpool_forward", "maxpool_backward")

# the worked example of the notebook: ties at (0,1)/(1,0), four 5s, (2,2)/(3,3)
WORKED_X = np.array([[1, 3, 3, 0],
                     [3, 2, 0, 0],
                     [5, 5, 4, 2],
                     [5, 5, 1, 4]], dtype=float)[None, None]


def _cells():
    (notebook,) = source_notebooks(ASSIGNMENT)
    return nbformat.read(notebook, as_version=4).cells


def _visible_tests():
    """{grade_id: code of the visible part} for every test cell of the notebook."""
    return {c.metadata["nbgrader"]["grade_id"]: split_test(c.source)[0]
            for c in _cells() if c.metadata.get("nbgrader", {}).get("grade")}


def _namespace(variant=None):
    namespace, _ = namespace_with(ASSIGNMENT, variant)
    imports = next(c for c in _cells() if c.cell_type == "code")
    assert imports.source.startswith("import numpy"), "the first code cell should be the imports"
    exec(compile(imports.source, "<imports>", "exec"), namespace)
    return namespace


def _hidden_failures(namespace, names=NAMES):
    return {name: failures(CHECKS[name], namespace[name]) for name in names}


def _visible_failures(namespace):
    found = {}
    for grade_id, code in _visible_tests().items():
        try:
            exec(compile(code, grade_id, "exec"), dict(namespace))
        except Exception as error:  # any error fails the cell under nbgrader
            found[grade_id] = f"{type(error).__name__}: {error}"
    return found


# --- the references -------------------------------------------------------------------------

def test_reference_forward_on_the_worked_example():
    np.testing.assert_array_equal(ref_maxpool_forward(WORKED_X), [[[[3, 3], [5, 4]]]])
    np.testing.assert_array_equal(ref_maxpool_forward(-WORKED_X), [[[[-1, 0], [-5, -1]]]])
    np.testing.assert_array_equal(ref_maxpool_forward(WORKED_X, 3, 1), [[[[5, 5], [5, 5]]]])
    ramp = np.arange(35.0).reshape(1, 1, 5, 7)
    np.testing.assert_array_equal(ref_maxpool_forward(ramp, 2, 3), [[[[8, 11], [29, 32]]]])


def test_reference_backward_gives_ties_to_the_first_maximum():
    dout = np.array([[10.0, 20.0], [30.0, 40.0]])[None, None]
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 0, 1], expected[0, 0, 0, 2], expected[0, 0, 2, 0], expected[0, 0, 2, 2] = 10, 20, 30, 40
    np.testing.assert_array_equal(ref_maxpool_backward(dout, WORKED_X), expected)
    dx = ref_maxpool_backward(np.ones((1, 1, 3, 4)), np.zeros((1, 1, 5, 6)), 3, 1)
    assert dx.sum() == 12 and np.count_nonzero(dx) == 12, "a window of zeros routes to its top-left"


def test_reference_backward_adds_up_overlapping_windows():
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 2] = 1.0
    dout = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    dx = ref_maxpool_backward(dout, x, 3, 1)
    assert dx[0, 0, 2, 2] == 45 and np.count_nonzero(dx) == 1


@pytest.mark.parametrize("shape,size,stride", [((2, 3, 6, 5), 2, 2), ((1, 2, 7, 6), 3, 1),
                                               ((2, 1, 8, 7), 3, 2), ((1, 1, 9, 6), 2, 3)])
def test_reference_backward_matches_the_numerical_gradient(shape, size, stride):
    rng = np.random.default_rng(sum(shape) + size)
    x = rng.permutation(int(np.prod(shape))).reshape(shape) / np.prod(shape)
    dout = rng.standard_normal(ref_maxpool_forward(x, size, stride).shape)
    dx_num = numerical_gradient(lambda v: ref_maxpool_forward(v, size, stride), x, dout)
    assert rel_error(ref_maxpool_backward(dout, x, size, stride), dx_num) < 1e-7


def test_references_match_torch():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(7)
    for shape, size, stride in [((2, 3, 7, 6), 3, 2), ((1, 2, 8, 8), 2, 2), ((2, 2, 9, 5), 3, 1)]:
        x = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1
        xt = torch.tensor(x, requires_grad=True)
        out = functional.max_pool2d(xt, size, stride)
        dout = rng.standard_normal(tuple(out.shape))
        out.backward(torch.tensor(dout))
        np.testing.assert_allclose(ref_maxpool_forward(x, size, stride), out.detach().numpy())
        np.testing.assert_allclose(ref_maxpool_backward(dout, x, size, stride), xt.grad.numpy())


def test_torch_on_the_cpu_breaks_ties_the_same_way():
    torch = pytest.importorskip("torch")
    for case in [c for c in CHECKS["maxpool_backward"].cases() if c.group == "ties"]:
        dout, x = case.args
        xt = torch.tensor(x, requires_grad=True)
        torch.nn.functional.max_pool2d(xt, case.kwargs["size"], case.kwargs["stride"]).backward(
            torch.tensor(dout))
        np.testing.assert_array_equal(ref_maxpool_backward(dout, x, **case.kwargs), xt.grad.numpy(),
                                      err_msg=case.name)


# --- the cases ------------------------------------------------------------------------------

def _cases(name, group):
    return [c for c in CHECKS[name].cases() if c.group == group]


def test_every_case_group_has_a_test_cell_and_every_test_cell_a_group():
    verified = set()
    for cell in _cells():
        verified |= set(re.findall(r'verify\("(\w+)", \w+, "(\w+)"\)', cell.source))
    groups = {(name, c.group) for name in NAMES for c in CHECKS[name].cases()}
    assert verified == groups


def test_gradient_cases_are_away_from_ties():
    for case in _cases("maxpool_backward", "gradient"):
        expected = numerical_maxpool_backward(*case.args, **case.kwargs)
        assert rel_error(expected, ref_maxpool_backward(*case.args, **case.kwargs)) < 1e-7, case.name


def test_tie_cases_really_tie():
    for case in _cases("maxpool_backward", "ties"):
        dout, x = case.args
        size, stride = case.kwargs["size"], case.kwargs["stride"]
        out = ref_maxpool_forward(x, size, stride)
        tied = np.zeros(out.shape, dtype=int)
        for i in range(size):
            for j in range(size):
                tied += x[:, :, i:i + stride * out.shape[2]:stride, j:j + stride * out.shape[3]:stride] == out
        assert (tied > 1).sum() >= 3, f"{case.name}: fewer than 3 tied windows"


def test_overlap_cases_have_an_element_winning_several_windows():
    for case in _cases("maxpool_backward", "values"):
        if case.kwargs.get("stride", 2) < case.kwargs.get("size", 2):
            counts = ref_maxpool_backward(np.ones_like(case.args[0]), case.args[1], **case.kwargs)
            assert counts.max() >= 2, case.name


# --- solution, alternatives and bugs ----------------------------------------------------------

def test_the_notebook_solution_passes_every_hidden_case_and_visible_test():
    namespace = _namespace()
    assert _hidden_failures(namespace) == {n: [] for n in NAMES}
    assert _visible_failures(namespace) == {}


@pytest.mark.parametrize("variant", corpus(ASSIGNMENT, "alt"), ids=lambda p: p.stem)
def test_each_alternative_passes_everything(variant):
    namespace = _namespace(variant)
    assert _hidden_failures(namespace) == {n: [] for n in NAMES}
    assert _visible_failures(namespace) == {}


@pytest.mark.parametrize("variant", corpus(ASSIGNMENT, "bug"), ids=lambda p: p.stem)
def test_each_bug_fails_a_hidden_case_or_a_visible_test(variant):
    defined = [name for name in variant_sources(variant) if name in NAMES]
    assert defined, f"{variant.name} defines no graded function"
    namespace = _namespace(variant)
    caught = {name: msgs for name, msgs in _hidden_failures(namespace, defined).items() if msgs}
    assert caught or _visible_failures(namespace), f"{variant.name} passes every test"


def _bug(stem_part):
    return next(v for v in corpus(ASSIGNMENT, "bug") if stem_part in v.stem)


def test_the_tie_bug_is_caught_by_the_visible_ties_test():
    namespace = _namespace(_bug("every_tied_max"))
    message = _visible_failures(namespace)["test_maxpool_backward_ties"]
    assert "first one in row-major order" in message


# --- messages for stub-like answers --------------------------------------------------------------

def _message(name, fn, group="values"):
    with pytest.raises(AssertionError) as error:
        verify(name, fn, group)
    return str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_stub_like_answers_get_messages_in_words(name):
    def returns_none(*args, **kwargs):
        return None

    def raises(*args, **kwargs):
        raise NotImplementedError()

    def returns_zeros(*args, **kwargs):
        return np.zeros_like(CHECKS[name].reference(*args, **kwargs))

    def returns_a_list(*args, **kwargs):
        return CHECKS[name].reference(*args, **kwargs).tolist()

    def returns_nan(*args, **kwargs):
        return np.full_like(CHECKS[name].reference(*args, **kwargs), np.nan)

    assert "returned None — did you forget `return`?" in _message(name, returns_none)
    assert "not implemented yet" in _message(name, raises)
    assert "all zeros: is the function finished?" in _message(name, returns_zeros)
    assert "returned a list" in _message(name, returns_a_list)
    assert "contains nan" in _message(name, returns_nan)


def test_a_write_into_dout_is_named():
    namespace = _namespace(_bug("zeroes_dout"))
    assert "writes into one of its inputs" in _message("maxpool_backward",
                                                       namespace["maxpool_backward"], "inputs")
