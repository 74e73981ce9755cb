"""`cnn-course grade` on a course that was never built here (a fresh clone has no gradebook):
grading registers the assignment itself and leaves release/ alone."""

import shutil

import pytest
from nbgrader.api import Gradebook

from autograder.building.submissions import fill, filled_with_solutions
from autograder.grading.grade import grade

from helpers import ROOT, tree_hash

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def test_grade_registers_an_assignment_that_is_not_in_the_gradebook(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for name in ("source", "release"):
        shutil.copytree(ROOT / name / "01_im2col", course / name / "01_im2col")
    before = tree_hash(course / "release")
    subs = tmp_path / "subs"
    subs.mkdir()
    release = course / "release" / "01_im2col" / "im2col.ipynb"
    fill(release, filled_with_solutions(ROOT, "01_im2col")["im2col.ipynb"], subs / "ada.ipynb")
    lines = []
    rows = grade(course, "01_im2col", submissions=subs, jobs=1, log=lines.append)
    assert [(r.student, r.score, r.max_score) for r in rows] == [("ada", 13, 13)]
    assert any("registering it" in line for line in lines)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission("01_im2col", "ada")
        assert submission.score == 13
        # the formgrader lists it as graded, not as waiting for manual grading
        assert not submission.needs_manual_grade
        assert not any(g.needs_manual_grade for nb in submission.notebooks for g in nb.grades)
    assert tree_hash(course / "release") == before
