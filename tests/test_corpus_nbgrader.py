"""Every grader test is itself tested, through a real `nbgrader autograde`.

Per assignment, one scratch course grades: the reference solutions (full marks
in every test cell), the untouched release (zero in every test cell), each
bug_*.py of the corpus (loses points, and only in the cells of the functions it
touches) and each alt_*.py (full marks). The bug and alt entries are graded without
the cells after the last test cell, which carry no points (helpers.without_ungraded_tail).
"""

import ast
import json

import pytest

from autograder.building.demo import simulated_submissions
from autograder.building.nbgrader_autograde import autograde, scratch_course
from autograder.building.submissions import fill, filled_with_solutions
from autograder.grading.trusted import load_spec

from helpers import ASSIGNMENTS, ROOT, corpus, without_ungraded_tail

_graded = {}
_courses = {}


def graded(assignment, tmp_path_factory):
    """{student: {grade_id: (score, max)}} for the whole corpus of one assignment, graded once."""
    if assignment not in _graded:
        tmp = tmp_path_factory.mktemp(assignment)
        api = scratch_course(ROOT, assignment, tmp / "course")
        three = simulated_submissions(ROOT, assignment, tmp / "work")
        submissions = {"solution": three["perfect"], "release": three["untouched"]}
        for variant in corpus(assignment, "bug") + corpus(assignment, "alt"):
            answers = filled_with_solutions(ROOT, assignment, variant)
            submissions[variant.stem] = [
                without_ungraded_tail(fill(nb, answers[nb.name], tmp / variant.stem / nb.name))
                for nb in three["untouched"]]
        _graded[assignment] = autograde(api, assignment, submissions)
        _courses[assignment] = tmp / "course"
    return _graded[assignment]


def by_assignment(*params):
    """Keep one assignment's tests on one xdist worker: its corpus is graded once there."""
    return pytest.param(*params, marks=pytest.mark.xdist_group(params[0]),
                        id="-".join(getattr(p, "stem", p) for p in params))


@pytest.mark.parametrize("assignment", [by_assignment(a) for a in ASSIGNMENTS])
def test_solution_scores_full_marks_in_every_test_cell(assignment, tmp_path_factory):
    cells = graded(assignment, tmp_path_factory)["solution"]
    assert cells, "nbgrader did not grade the solution"
    short = {name: s for name, s in cells.items() if s[0] != s[1]}
    assert not short, f"the reference solution loses points in {short}"


@pytest.mark.parametrize("assignment", [by_assignment(a) for a in ASSIGNMENTS])
def test_untouched_release_scores_zero_in_every_test_cell(assignment, tmp_path_factory):
    cells = graded(assignment, tmp_path_factory)["release"]
    assert cells, "nbgrader did not grade the release"
    scored = {name: s for name, s in cells.items() if s[0] != 0}
    assert not scored, f"the untouched stubs earn points in {scored}"


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")])
def test_each_bug_loses_points(assignment, variant, tmp_path_factory):
    cells = graded(assignment, tmp_path_factory)[variant.stem]
    assert cells, f"nbgrader did not grade {variant.name}"
    score, total = sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())
    assert score < total, f"{variant.name} gets full marks"


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "alt")])
def test_each_correct_alternative_scores_full_marks(assignment, variant, tmp_path_factory):
    cells = graded(assignment, tmp_path_factory)[variant.stem]
    short = {name: s for name, s in cells.items() if s[0] != s[1]}
    assert cells and not short, f"{variant.name} loses points in {short}"


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")])
def test_each_bug_costs_only_the_cells_of_what_it_touches(assignment, variant, tmp_path_factory):
    """One bug costs once under plain nbgrader too: a test cell that grades only functions the
    bug leaves alone keeps its points, although its visible part calls the buggy function (the
    cell's hidden prologue makes that the reference for the cell)."""
    cells = graded(assignment, tmp_path_factory)[variant.stem]
    touched = {node.name for node in ast.parse(variant.read_text()).body
               if isinstance(node, ast.FunctionDef)}
    spec = load_spec(ROOT, assignment)
    short = {gid: s for gid, s in cells.items()
             if gid in spec.cells and not touched & set(spec.cells[gid].cases) and s[0] != s[1]}
    assert not short, f"{variant.name} loses points in cells it does not touch: {short}"


def graded_test_cells(assignment, student):
    """[(grade_id, outputs)] of the test cells in nbgrader's autograded notebooks of `student`."""
    found = []
    for path in sorted((_courses[assignment] / "autograded" / student / assignment).glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                found.append((meta["grade_id"], cell.get("outputs", [])))
    return found


@pytest.mark.parametrize("assignment", [by_assignment(a) for a in ASSIGNMENTS])
def test_test_cells_never_write_stderr_or_end_with_a_value(assignment, tmp_path_factory):
    """nbgrader scores a test cell that writes to stderr or ends with a value as it likes: on the
    solution every test cell runs clean, on the untouched release every one fails with a
    check's sentence (never a raw NotImplementedError), and neither writes stderr or a value."""
    graded(assignment, tmp_path_factory)
    for student, should_fail in (("solution", False), ("release", True)):
        cells = graded_test_cells(assignment, student)
        assert cells, f"no autograded notebook of {student}"
        for gid, outputs in cells:
            kinds = [o.get("name", o["output_type"]) for o in outputs]
            assert "stderr" not in kinds, f"{student}: {gid} writes to stderr"
            assert "execute_result" not in kinds, f"{student}: {gid} ends with a value"
            errors = [f"{o['ename']}: {o['evalue'][:120]}" for o in outputs if o["output_type"] == "error"]
            if not should_fail:
                assert not errors, f"{gid} fails on the solution: {errors}"
            else:
                assert errors, f"{gid} passes on the untouched stub"
                assert all(e.startswith("AssertionError") for e in errors), (gid, errors)


def raw_errors(assignment, student):
    """{grade_id: 'Ename: value'} for test cells whose error is not a check's AssertionError."""
    return {gid: f"{output['ename']}: {output['evalue'][:200]}"
            for gid, outputs in graded_test_cells(assignment, student) for output in outputs
            if output.get("output_type") == "error" and output["ename"] != "AssertionError"}


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")])
def test_each_bug_reaches_the_student_as_a_sentence(assignment, variant, tmp_path_factory):
    """A crash in a student's function (a broadcast error deep in NumPy, a None unpacked) fails
    the visible test with the message of the check it broke, never as a raw exception."""
    graded(assignment, tmp_path_factory)
    raw = raw_errors(assignment, variant.stem)
    assert not raw, f"{variant.name}: raw exceptions in {raw}"
