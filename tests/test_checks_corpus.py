"""The hidden checks of every layer assignment, in-process, against its corpus.

The reference solution passes every case without a warning, each realistic bug
fails a case of a function it rewrites, each correct alternative passes all.
(06_cnn trains models, so its corpus has its own, faster version in
test_checks_cnn.py.)
"""

import warnings

import pytest

from autograder.checks.cases import failures
from autograder.checks.in_notebook import checks
from autograder.building.submissions import variant_sources

from helpers import corpus, namespace_with

LAYER_ASSIGNMENTS = ["01_im2col", "02_convolution", "03_pooling", "04_dense", "05_softmax"]


def graded_functions(assignment):
    namespace, answers = namespace_with(assignment)
    return [name for name in answers if name in checks()]


@pytest.mark.parametrize("assignment,name", [(a, n) for a in LAYER_ASSIGNMENTS
                                             for n in graded_functions(a)])
def test_the_solution_passes_every_hidden_case_without_warnings(assignment, name):
    namespace, _ = namespace_with(assignment)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert failures(checks()[name], namespace[name]) == []


@pytest.mark.parametrize("assignment,variant", [(a, v) for a in LAYER_ASSIGNMENTS
                                                for v in corpus(a, "bug")],
                         ids=lambda p: getattr(p, "stem", p))
def test_each_bug_fails_a_hidden_case(assignment, variant):
    namespace, _ = namespace_with(assignment, variant)
    changed = [name for name in variant_sources(variant) if name in graded_functions(assignment)]
    assert changed, f"{variant.name} replaces no graded function"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert any(failures(checks()[name], namespace[name]) for name in changed)


@pytest.mark.parametrize("assignment,variant", [(a, v) for a in LAYER_ASSIGNMENTS
                                                for v in corpus(a, "alt")],
                         ids=lambda p: getattr(p, "stem", p))
def test_each_alternative_passes_without_warnings(assignment, variant):
    namespace, _ = namespace_with(assignment, variant)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in graded_functions(assignment):
            assert failures(checks()[name], namespace[name]) == [], name
