"""What each stage of a sandboxed run of `cnn-course grade` may import (autograder.grading.grade).

The first stage of a notebook's run computes every function that calls nothing graded in
its own assignment; the second computes the others with references in place of
what they call. Neither may ever import the answer of a function it computes.
"""

import sys
from pathlib import Path

import pytest

from autograder.grading import trusted
from autograder.grading.grade import plan_runs
from autograder.notebook import topic

from helpers import ASSIGNMENTS, ROOT

PACKAGE = ROOT / "autograder"


def plan(assignment):
    spec = trusted.load_spec(ROOT, assignment)
    return spec, plan_runs(spec)


def defining_file(fn):
    return Path(sys.modules[fn.__module__].__file__).resolve()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_run_can_import_its_own_checks(assignment):
    _, runs = plan(assignment)
    own = {PACKAGE / "checks" / f"{topic(assignment)}.py"}
    assert not own & set(runs.first_files) and not own & set(runs.second_files)
    assert PACKAGE / "references" / "callees" / f"{topic(assignment)}.py" not in runs.first_files


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_dependency_is_a_reference_in_some_run(assignment):
    spec, runs = plan(assignment)
    for fn, check in spec.checks.items():
        assert set(runs.second_substitutes.get(fn, {})) == set(check.uses), fn


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_run_never_sees_the_reference_of_what_it_computes(assignment):
    spec, runs = plan(assignment)
    for fn, check in spec.checks.items():
        exposed = runs.second_files if fn in runs.second else runs.first_files
        assert defining_file(check.reference) not in set(exposed), fn


def test_functions_that_call_their_neighbours_run_second():
    assert plan("01_im2col")[1].second == ["im2col", "col2im"]
    assert plan("02_convolution")[1].second == []   # im2col & co. come from 01's references, in view
    assert plan("05_softmax")[1].second == ["cross_entropy_loss"]
    assert plan("06_cnn")[1].second == ["train"]
