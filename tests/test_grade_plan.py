"""What each sandboxed run of `cnn-course grade` may import (autograder.grade).

The first run of a notebook computes every function that calls nothing graded in
its own assignment; the second computes the others with references in place of
what they call. Neither may ever import the answer of a function it computes.
"""

import sys
from pathlib import Path

import pytest

from autograder import trusted
from autograder.grade import dependency_files, reference_files, substitutes
from course.notebook_import import _topic

from helpers import ASSIGNMENTS, ROOT

PACKAGE = ROOT / "autograder"


def plan(assignment):
    spec = trusted.load_spec(ROOT, assignment)
    first = reference_files(spec)
    second = sorted(set(first) | set(dependency_files(spec)))
    subs = substitutes(spec, first), substitutes(spec, second)
    later = [fn for fn in spec.functions if subs[1].get(fn, {}) != subs[0].get(fn, {})]
    return spec, first, second, subs, later


def defining_file(fn):
    return Path(sys.modules[fn.__module__].__file__).resolve()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_run_can_import_its_own_checks(assignment):
    _, first, second, _, _ = plan(assignment)
    own = {PACKAGE / "checks" / f"{_topic(assignment)}.py"}
    assert not own & set(first) and not own & set(second)
    assert PACKAGE / "dependencies" / f"{_topic(assignment)}.py" not in first


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_dependency_is_a_reference_in_some_run(assignment):
    spec, _, _, (_, second), _ = plan(assignment)
    for fn, check in spec.checks.items():
        assert set(second.get(fn, {})) == set(check.uses), fn


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_run_never_sees_the_reference_of_what_it_computes(assignment):
    spec, first, second, _, later = plan(assignment)
    for fn, check in spec.checks.items():
        exposed = second if fn in later else first
        assert defining_file(check.reference) not in set(exposed), fn
    for fn in set(spec.functions) - set(later):   # first-run results are final before the second
        assert defining_file(spec.checks[fn].reference) not in set(first), fn


def test_functions_that_call_their_neighbours_run_second():
    assert plan("01_im2col")[4] == ["im2col", "col2im"]
    assert plan("02_convolution")[4] == []   # im2col & co. come from 01's references, in view
    assert plan("05_softmax")[4] == ["cross_entropy_loss"]
    assert plan("06_cnn")[4] == ["train"]
