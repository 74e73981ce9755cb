"""The whole nbgrader exchange on one machine, with a temporary Exchange.root:

release_assignment → fetch_assignment → a simulated student fills in answers →
submit → collect → `cnn-course grade` (sandboxed) → feedback.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.building.nbgrader_autograde import scratch_course
from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT

ASSIGNMENT = "01_im2col"
COURSE_ID = "cnn-from-scratch"

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


# nbgrader takes the student's name from the OS account; one machine simulates several
AS_USER = ("import os, sys, nbgrader.utils as u; u.get_osusername = lambda: os.environ['SIM_USER']; "
           "from nbgrader.apps.nbgraderapp import main; sys.exit(main())")


def nbgrader(*args, cwd, user="instructor", exchange):
    env = {**os.environ, "SIM_USER": user,
           "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run([sys.executable, "-c", AS_USER, *args, f"--Exchange.root={exchange}",
                             f"--CourseDirectory.course_id={COURSE_ID}"],
                            cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_release_fetch_submit_collect_grade_feedback(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = tmp_path / "course"
    scratch_course(ROOT, ASSIGNMENT, course)
    nbgrader("release_assignment", ASSIGNMENT, cwd=course, exchange=exchange)

    answers = {"alice": filled_with_solutions(ROOT, ASSIGNMENT),
               "bob": filled_with_solutions(ROOT, ASSIGNMENT,
                                            ROOT / "tests" / "corpus" / ASSIGNMENT
                                            / "bug_col2im_overwrites_overlaps.py")}
    for student, filled in answers.items():
        home = tmp_path / student
        home.mkdir()
        nbgrader("fetch_assignment", ASSIGNMENT, cwd=home, user=student,
                 exchange=exchange)
        notebook = home / ASSIGNMENT / "im2col.ipynb"
        fill(notebook, filled["im2col.ipynb"], notebook)
        nbgrader("submit", ASSIGNMENT, cwd=home, user=student,
                 exchange=exchange)

    nbgrader("collect", ASSIGNMENT, cwd=course, exchange=exchange)
    assert (course / "submitted" / "alice" / ASSIGNMENT / "im2col.ipynb").exists()

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, "--jobs", "2"],
                            cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "score distribution" in result.stdout

    out = course / "grades" / ASSIGNMENT
    with open(out / "grades.csv") as f:
        grades = {r["student"]: r for r in csv.DictReader(f)}
    assert grades["alice"]["score"] == "13" and grades["alice"]["flags"] == ""
    assert float(grades["bob"]["score"]) < 13

    feedback = (out / "feedback" / "bob" / f"{ASSIGNMENT}.html").read_text()
    assert "col2im" in feedback and "BEGIN HIDDEN" not in feedback and "verify(" not in feedback
    assert json.loads((out / "feedback" / "alice" / "results.json").read_text())["score"] == 13

    # the formgrader's view: the gradebook holds the same scores, the autograded notebook exists
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        assert gb.find_submission(ASSIGNMENT, "alice").score == 13
        assert gb.find_submission(ASSIGNMENT, "bob").score == float(grades["bob"]["score"])
    assert (course / "autograded" / "alice" / ASSIGNMENT / "im2col.ipynb").exists()
