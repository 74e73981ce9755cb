"""`cnn-course grade` (sandbox + trusted comparison) on every assignment's corpus.

Per assignment, one scratch course and ONE grading run (--jobs 2) of a folder of
<student>.ipynb: the reference solution, the untouched release, each bug_*.py and
each alt_*.py of tests/corpus/<assignment>/. Each assignment is graded on its own
(no ../01_im2col beside the job), so 02 and 06 run on the reference layers that
course.notebook_import substitutes while CNN_COURSE_REFERENCES names the grader's references.

- the solution and every alt_ get full marks and no flag: a correct but different
  solution is never called tampered or hard-coded;
- the release gets 0;
- the bug_ and alt_ entries are graded without the cells after the last test cell,
  which carry no points (helpers.without_ungraded_tail); the solution runs whole;
- every bug_ loses points and is neither `tampered` nor `hard-coded`: an honest
  bug is not cheating;
- a bug costs hidden cases and points only of the functions it touches: the
  functions that call a buggy one of the same assignment run on the references
  (the sandbox's second stage), as the in-notebook checks do.
"""

import ast
import shutil
import time

import pytest

from autograder.grading.grade import grade
from autograder.building.nbgrader_autograde import scratch_course
from autograder.building.submissions import fill, filled_with_solutions

from helpers import ASSIGNMENTS, ROOT, corpus, without_ungraded_tail

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")

CHEATING = {"tampered", "hard-coded", "forbidden-import", "edited-tests"}
_graded = {}


def graded(assignment, tmp_path_factory):
    """{student: Row} for the whole corpus of one assignment, graded once."""
    if assignment not in _graded:
        tmp = tmp_path_factory.mktemp(f"grade-{assignment}")
        course = tmp / "course"
        scratch_course(ROOT, assignment, course)
        (release,) = sorted((course / "release" / assignment).glob("*.ipynb"))
        subs = tmp / "subs"
        subs.mkdir()
        shutil.copy(release, subs / "release.ipynb")
        fill(release, filled_with_solutions(ROOT, assignment)[release.name], subs / "solution.ipynb")
        for variant in corpus(assignment, "bug") + corpus(assignment, "alt"):
            answers = filled_with_solutions(ROOT, assignment, variant)
            without_ungraded_tail(fill(release, answers[release.name], subs / f"{variant.stem}.ipynb"))
        start = time.time()
        rows = grade(course, assignment, submissions=subs, out=tmp / "out", jobs=2,
                     log=lambda *a: None)
        print(f"{assignment}: {len(rows)} submissions graded in {time.time() - start:.0f} s")
        _graded[assignment] = {row.student: row for row in rows}
    return _graded[assignment]


def by_assignment(*params):
    """Keep one assignment's tests on one xdist worker: its corpus is graded once there."""
    return pytest.param(*params, marks=pytest.mark.xdist_group(params[0]),
                        id="-".join(getattr(p, "stem", p) for p in params))


def explain(row):
    cells = {gid: (c["score"], c["points"], c["visible"], f"{c['hidden_passed']}/{c['hidden_total']}",
                   (c["messages"][:1] or [c["visible_message"]])[0][:200])
             for r in row.notebooks.values() for gid, c in r["cells"].items()}
    return f"{row.student}: {row.score:g}/{row.max_score:g} flags={row.flags} cells={cells}"


@pytest.mark.parametrize("assignment", [by_assignment(a) for a in ASSIGNMENTS])
def test_solution_gets_full_marks_and_no_flag(assignment, tmp_path_factory):
    row = graded(assignment, tmp_path_factory)["solution"]
    assert row.max_score > 0 and row.score == row.max_score, explain(row)
    assert not row.flags, explain(row)


@pytest.mark.parametrize("assignment", [by_assignment(a) for a in ASSIGNMENTS])
def test_untouched_release_gets_zero(assignment, tmp_path_factory):
    row = graded(assignment, tmp_path_factory)["release"]
    assert row.notebooks and row.score == 0, explain(row)
    assert not set(row.flags) & CHEATING, explain(row)


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "alt")])
def test_correct_alternative_gets_full_marks_and_no_flag(assignment, variant, tmp_path_factory):
    row = graded(assignment, tmp_path_factory)[variant.stem]
    assert row.score == row.max_score, explain(row)
    assert not row.flags, explain(row)


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")])
def test_bug_loses_points_and_is_not_called_cheating(assignment, variant, tmp_path_factory):
    row = graded(assignment, tmp_path_factory)[variant.stem]
    assert row.notebooks and row.score < row.max_score, explain(row)
    assert not set(row.flags) & CHEATING, explain(row)


@pytest.mark.parametrize("assignment,variant",
                         [by_assignment(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")])
def test_bug_costs_only_where_it_is(assignment, variant, tmp_path_factory):
    """One bug costs once: a cell that grades only functions the bug leaves alone passes every
    hidden case and keeps its points, although its visible test calls the student's buggy
    function (a callee bug such as conv_output_size rounding up, with a correct im2col): the
    functions that call a buggy one of the same assignment run on the references (the sandbox's
    second stage), as the in-notebook checks do."""
    row = graded(assignment, tmp_path_factory)[variant.stem]
    touched = {node.name for node in ast.parse(variant.read_text()).body
               if isinstance(node, ast.FunctionDef)}
    for result in row.notebooks.values():
        for gid, cell in result["cells"].items():
            if not touched & set(cell["functions"]):
                assert cell["hidden_passed"] == cell["hidden_total"], (gid, explain(row))
                assert cell["score"] == cell["points"], (gid, explain(row))
