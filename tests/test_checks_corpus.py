"""The hidden checks of every layer assignment, in-process, against its corpus.

The reference solution passes every case without a warning, each realistic bug
fails a case of a function it rewrites, with a first message that holds the
phrases the bug declares, each correct alternative passes all.
(06_cnn trains models, so its corpus has its own, faster version in
test_checks_cnn.py.)
"""

import warnings

import pytest

from autograder.checks.cases import failures
from autograder.checks.in_notebook import checks
from autograder.building.submissions import variant_sources

from helpers import corpus, namespace_with

LAYER_ASSIGNMENTS = ["01_im2col", "02_convolution", "03_pooling", "04_dense", "05_softmax", "07_beyond"]


def declared_message(variant):
    """The phrases a bug's first failing message must contain, from its `# message: a; b` line:
    the message must say what is wrong, not only that something is."""
    for line in variant.read_text().splitlines():
        if line.startswith("# message:"):
            return [w.strip() for w in line.removeprefix("# message:").split(";") if w.strip()]
    return []


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
        messages = [m for name in changed for m in failures(checks()[name], namespace[name])]
    assert messages, f"{variant.name} passes every hidden case"
    words = declared_message(variant)
    assert words, f"{variant.name} declares no '# message: ...' line"
    missing = [w for w in words if w not in messages[0]]
    assert not missing, f"{variant.name}: its first failing message lacks {missing}: {messages[0]}"


@pytest.mark.parametrize("assignment,variant", [(a, v) for a in LAYER_ASSIGNMENTS
                                                for v in corpus(a, "alt")],
                         ids=lambda p: getattr(p, "stem", p))
def test_each_alternative_passes_without_warnings(assignment, variant):
    namespace, _ = namespace_with(assignment, variant)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in graded_functions(assignment):
            assert failures(checks()[name], namespace[name]) == [], name
