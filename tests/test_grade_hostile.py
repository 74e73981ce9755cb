"""`cnn-course grade` on a hostile batch, with a real bubblewrap sandbox.

One scratch course grades, in one run with --jobs 2: an honest correct
submission, every attack of tests/hostile/01_im2col/, a notebook whose test
cells were rewritten and deleted, and bad input (not JSON, empty, nbformat 3,
no notebook, a renamed notebook, a giant output). Each attack deserves 0 (its
functions are wrong or missing): it must get 0, be flagged, and leave the
sentinel beside the course, the gradebook and source/ untouched.
"""

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest

from autograder.grading.grade import grade
from autograder.building.nbgrader_autograde import scratch_course
from autograder.grading.sandbox import Limits
from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT, folder_elsewhere, tree_hash

ASSIGNMENT = "01_im2col"
HOSTILE = ROOT / "tests" / "hostile" / ASSIGNMENT
EXPECTED_FLAG = {
    "patch_numpy_compare": "tampered",
    "patch_checker": "tampered",
    "hardcode_visible": "hard-coded",
    "steal_solution": "tampered",
    "scipy_signal": "forbidden-import",
    "sys_exit": "crashed",
    "os_exit": "crashed",
    "infinite_loop": "timeout",
    "memory_bomb": "memory",
    "fork_bomb": "crashed",
    "write_outside": "tampered",
    "edited_tests": "edited-tests",
}
BAD_INPUT = {
    "not_json": "malformed-notebook",
    "empty_file": "malformed-notebook",
    "nbformat3": "malformed-notebook",
    "no_notebook": "missing-notebook",
}

# Short enough that the infinite loop ends in half a minute, not two and a half (it met the wall
# limit of 150 s), with room for an honest 01 notebook on a loaded machine (4-8 s).
LIMITS = Limits(wall=30, cell=8, call=3, memory_mb=1536)

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def _notebook(course, answers, target):
    return fill(course / "release" / ASSIGNMENT / "im2col.ipynb", answers["im2col.ipynb"], target)


def build_batch(tmp, elsewhere):
    course = tmp / "course"
    scratch_course(ROOT, ASSIGNMENT, course)
    sentinel = tmp / "sentinel.txt"
    sentinel.write_text("leave me alone")
    shutil.copy(course / "source" / ASSIGNMENT / "im2col.ipynb", elsewhere / "im2col.ipynb")
    shutil.copy(course / "gradebook.db", elsewhere / "gradebook.db")
    subs = tmp / "subs"
    _notebook(course, filled_with_solutions(ROOT, ASSIGNMENT), subs / "honest" / "im2col.ipynb")
    for variant in sorted(HOSTILE.glob("*.py")):
        text = variant.read_text()
        for marker, path in (("__COURSE__", course), ("__SENTINEL__", sentinel), ("__REPO__", ROOT),
                             ("__ELSEWHERE__", elsewhere)):
            text = text.replace(marker, str(path))
        concrete = tmp / "variants" / variant.name
        concrete.parent.mkdir(parents=True, exist_ok=True)
        concrete.write_text(text)
        _notebook(course, filled_with_solutions(ROOT, ASSIGNMENT, concrete),
                  subs / variant.stem / "im2col.ipynb")
    # test cells rewritten and deleted, answers left as the stubs
    nb = nbformat.read(course / "release" / ASSIGNMENT / "im2col.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "test_col2im_values":
            continue
        if gid == "test_im2col_values":
            cell.source = "pass"
        if gid == "im2col":
            cell.source = "def im2col(x, kh, kw, stride=1, pad=0):\n    return x"
        cells.append(cell)
    nb.cells = cells
    (subs / "edited_tests").mkdir()
    nbformat.write(nb, subs / "edited_tests" / "im2col.ipynb")
    # bad input, LMS style (<student>.ipynb) and folders
    (subs / "not_json.ipynb").write_text("this is not json {")
    (subs / "empty_file.ipynb").write_text("")
    (subs / "nbformat3.ipynb").write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0,
                                                      "metadata": {}, "worksheets": []}))
    (subs / "no_notebook").mkdir()
    (subs / "no_notebook" / "notes.txt").write_text("forgot to attach it")
    renamed = subs / "renamed" / "im2col (1).ipynb"
    renamed.parent.mkdir()
    shutil.copy(subs / "honest" / "im2col.ipynb", renamed)
    giant = nbformat.read(subs / "honest" / "im2col.ipynb", as_version=4)
    giant.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 6 * 2 ** 20)]
    (subs / "giant").mkdir()
    nbformat.write(giant, subs / "giant" / "im2col.ipynb")
    return course, sentinel, subs


@pytest.fixture(scope="module")
def elsewhere():
    with folder_elsewhere("cnn-hostile-") as folder:
        yield folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory, elsewhere):
    tmp = tmp_path_factory.mktemp("hostile")
    course, sentinel, subs = build_batch(tmp, elsewhere)
    before = {"source": tree_hash(course / "source"),
              "repo_source": tree_hash(ROOT / "source" / ASSIGNMENT),
              "elsewhere": tree_hash(elsewhere)}
    out = tmp / "out"
    rows = grade(course, ASSIGNMENT, submissions=subs, out=out, jobs=2,
                 limits=LIMITS, log=lambda *a: None)
    return {"rows": {r.student: r for r in rows}, "course": course, "sentinel": sentinel,
            "out": out, "before": before, "elsewhere": elsewhere}


def test_honest_submission_gets_full_marks(batch):
    row = batch["rows"]["honest"]
    assert row.score == row.max_score == 13, row.notebooks
    assert not row.flags, row.flags


@pytest.mark.parametrize("student", sorted(EXPECTED_FLAG))
def test_attack_earns_nothing_and_is_flagged(batch, student):
    row = batch["rows"][student]
    assert row.score == 0, (row.score, row.flags)
    assert EXPECTED_FLAG[student] in row.flags, row.flags


@pytest.mark.parametrize("student", sorted(BAD_INPUT))
def test_bad_input_is_a_flagged_row(batch, student):
    row = batch["rows"][student]
    assert row.score == 0 and BAD_INPUT[student] in row.flags, row.flags


def test_renamed_and_giant_notebooks_are_graded_and_flagged(batch):
    assert batch["rows"]["renamed"].score == 13
    assert "renamed-notebook" in batch["rows"]["renamed"].flags
    assert batch["rows"]["giant"].score == 13
    assert "giant-output" in batch["rows"]["giant"].flags


def test_nothing_outside_the_sandbox_was_touched(batch):
    course = batch["course"]
    assert batch["sentinel"].read_text() == "leave me alone"
    assert tree_hash(course / "source") == batch["before"]["source"]
    assert tree_hash(ROOT / "source" / ASSIGNMENT) == batch["before"]["repo_source"]
    assert tree_hash(batch["elsewhere"]) == batch["before"]["elsewhere"]
    # the repository's gradebook (absent on a fresh clone) may change under builds: look for the attack
    if (ROOT / "gradebook.db").exists():
        with sqlite3.connect(f"file:{ROOT / 'gradebook.db'}?mode=ro", uri=True) as con:
            assert not con.execute("select count(*) from grade where manual_score >= 1000").fetchone()[0]
    assert not (course / "hacked.txt").exists()
    assert not Path("/tmp/cnn-hostile-hacked.txt").exists()
    assert not (Path.home() / "cnn-hostile-hacked.txt").exists()


def test_gradebook_holds_the_trusted_scores(batch):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{batch['course'] / 'gradebook.db'}", "cnn-from-scratch") as gb:
        for row in batch["rows"].values():
            if not row.notebooks:
                continue
            submission = gb.find_submission(ASSIGNMENT, row.student)
            grades = [g for nb in submission.notebooks for g in nb.grades]
            assert all(g.manual_score is None for g in grades)
            assert sum(g.score for g in grades) == row.score


def test_report_files(batch):
    out = batch["out"]
    with open(out / "grades.csv") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert {"student", "score", "max_score", "flags"} <= set(next(iter(rows.values())))
    assert rows["honest"]["score"] == "13" and rows["honest"]["flags"] == ""
    assert "tampered" in rows["patch_checker"]["flags"].split(";")
    assert (out / "scores_by_function.csv").exists() and (out / "summary.png").exists()
    for student in ("honest", "edited_tests", "patch_checker"):
        html = (out / "feedback" / student / f"{ASSIGNMENT}.html").read_text()
        # the hidden test code is `from autograder.checks.in_notebook import verify; verify("im2col", ...)`
        assert "BEGIN HIDDEN" not in html and 'verify("' not in html
        assert "from autograder.checks.in_notebook import" not in html
        results = json.loads((out / "feedback" / student / "results.json").read_text())
        assert results["score"] == batch["rows"][student].score and results["tests"]
