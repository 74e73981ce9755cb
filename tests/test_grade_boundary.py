"""The grader's trust boundary under attack, with a real bubblewrap sandbox, --jobs 1 and 2.

One batch of 01_im2col: honest classmates graded before and after the attacks, every attack
of tests/hostile/boundary/, the corpus bug that one attack builds on, students whose names
clean up to the same folder name, and submissions that attack the intake (a FIFO, a link to
the instructor's notebook, a folder, JSON nested 100,000 deep, nbgrader metadata of the
wrong type). Each test checks a class: the score deserved, the flag, the instructor's files
(source, the repository, the environment's bin/, a sentinel and a folder elsewhere) as they
were, no process or cgroup left behind, and full marks for the honest classmates.
"""

import csv
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest

from autograder.grading.grade import grade
from autograder.grading.intake import folder_name
from autograder.building.nbgrader_autograde import scratch_course
from autograder.grading.sandbox import Limits
from autograder.building.submissions import fill, filled_with_solutions, solution_sources

from helpers import ROOT, folder_elsewhere, tree_hash

ASSIGNMENT = "01_im2col"
ATTACKS = ROOT / "tests" / "hostile" / "boundary"
EXPECTED_FLAG = {
    "links_in_results": "tampered",
    "plant_helpers": "tampered",
    "cross_student": "tampered",
    "obfuscated_import": "forbidden-import",
    "disk_filler": "disk-quota",
    "thread_flood": "crashed",
    "feedback_leak": "tampered",
    "process_helper": "tampered",
}
HONEST = ("aa_honest", "zz_honest", "张伟", "jo hn")
STUBS = ("李娜", "jo_hn")
MALFORMED = ("deep_notebook", "fifo_notebook", "linked_notebook", "folder_notebook",
             "meta_string", "meta_null", "meta_list_id", "meta_points_text")
LIMITS = Limits(wall=150, cell=15, call=5, memory_mb=1536, disk_mb=256, tmp_mb=64)

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def bin_listing(folder):
    """Names, sizes and modes of an environment's bin/ (hashing every file would take long)."""
    return sorted((p.name, p.lstat().st_size, p.lstat().st_mode) for p in Path(folder).iterdir())


def _notebook(course, answers, target):
    return fill(course / "release" / ASSIGNMENT / "im2col.ipynb", answers["im2col.ipynb"], target)


def _bad_metadata(release, subs, name, meta):
    nb = json.loads(release.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "im2col":
            cell["metadata"]["nbgrader"] = meta(cell["metadata"]["nbgrader"])
    (subs / f"{name}.ipynb").write_text(json.dumps(nb))


def build_batch(tmp, elsewhere):
    course = tmp / "course"
    scratch_course(ROOT, ASSIGNMENT, course)
    sentinel = tmp / "sentinel.txt"
    sentinel.write_text("leave me alone")
    shutil.copy(course / "source" / ASSIGNMENT / "im2col.ipynb", elsewhere / "im2col.ipynb")
    subs = tmp / "subs"
    release = course / "release" / ASSIGNMENT / "im2col.ipynb"
    for student in HONEST:
        _notebook(course, filled_with_solutions(ROOT, ASSIGNMENT), subs / student / "im2col.ipynb")
    for student in STUBS:
        (subs / student).mkdir(parents=True)
        shutil.copy(release, subs / student / "im2col.ipynb")
    markers = {"__COURSE__": course, "__SENTINEL__": sentinel, "__REPO__": ROOT,
               "__ELSEWHERE__": elsewhere}
    variants = [*sorted(ATTACKS.glob("*.py")), ROOT / "tests/corpus/01_im2col/bug_output_size_ceil.py"]
    for variant in variants:
        text = variant.read_text()
        for marker, path in markers.items():
            text = text.replace(marker, str(path))
        concrete = tmp / "variants" / variant.name
        concrete.parent.mkdir(parents=True, exist_ok=True)
        concrete.write_text(text)
        _notebook(course, filled_with_solutions(ROOT, ASSIGNMENT, concrete),
                  subs / variant.stem / "im2col.ipynb")
    # the intake's classes: special files, links, deep JSON, metadata nbformat does not check
    deep = "[" * 100_000 + "]" * 100_000
    (subs / "deep_notebook.ipynb").write_text(
        json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})[:-2] + deep + "]}")
    os.mkfifo(subs / "fifo_notebook.ipynb")
    (subs / "linked_notebook.ipynb").symlink_to(course / "source" / ASSIGNMENT / "im2col.ipynb")
    (subs / "folder_notebook" / "im2col.ipynb").mkdir(parents=True)
    _bad_metadata(release, subs, "meta_string", lambda m: "x")
    _bad_metadata(release, subs, "meta_null", lambda m: None)
    _bad_metadata(release, subs, "meta_list_id", lambda m: {**m, "grade_id": ["im2col"]})
    _bad_metadata(release, subs, "meta_points_text", lambda m: {**m, "points": "lots"})
    return course, sentinel, subs


def solution_lines():
    """Normalised lines of at least 20 characters of the source's solution code."""
    lines = set()
    for notebook in (ROOT / "source" / ASSIGNMENT).glob("*.ipynb"):
        for code in solution_sources(notebook).values():
            lines |= {" ".join(l.split()) for l in code.split("\n") if len(" ".join(l.split())) >= 20}
    return lines


def _children_of_this_process():
    kids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            kids += (task / "children").read_text().split()
        except OSError:
            pass
    return kids


@pytest.fixture(scope="module")
def elsewhere():
    with folder_elsewhere("cnn-boundary-") as folder:
        yield folder


@pytest.fixture(scope="module", params=[1, 2], ids=["jobs1", "jobs2"])
def batch(request, tmp_path_factory, elsewhere):
    tmp = tmp_path_factory.mktemp(f"boundary-{request.param}")
    for stale in elsewhere.iterdir():
        stale.unlink()
    course, sentinel, subs = build_batch(tmp, elsewhere)
    venv_bin = Path(os.path.dirname(os.path.realpath(shutil.which("python") or "/usr/bin/python3")))
    before = {"source": tree_hash(course / "source"), "repo_source": tree_hash(ROOT / "source"),
              "autograder": tree_hash(ROOT / "autograder"), "elsewhere": tree_hash(elsewhere),
              "venv_bin": bin_listing(Path(os.sys.prefix) / "bin"), "python_bin": bin_listing(venv_bin)}
    out = tmp / "out"
    log = []
    rows = grade(course, ASSIGNMENT, submissions=subs, out=out, jobs=request.param,
                 limits=LIMITS, log=log.append)
    return {"rows": {r.student: r for r in rows}, "course": course, "sentinel": sentinel,
            "out": out, "subs": subs, "before": before, "elsewhere": elsewhere, "venv_bin": venv_bin,
            "log": log}


def test_honest_classmates_get_full_marks(batch):
    for student in HONEST:
        row = batch["rows"][student]
        assert row.score == row.max_score == 13, (student, row.flags, row.notebooks)
        assert not row.flags, (student, row.flags)


@pytest.mark.parametrize("student", sorted(EXPECTED_FLAG))
def test_attack_earns_nothing_and_is_flagged(batch, student):
    row = batch["rows"][student]
    assert row.score == 0, (row.score, row.flags)
    assert EXPECTED_FLAG[student] in row.flags, row.flags
    assert "grader-error" not in row.flags, row.flags


def test_the_references_never_stand_in_for_the_students_own(batch):
    """Forged results for conv_output_size and links between a run's result folders earn
    nothing over the honest bug they sit on."""
    rows = batch["rows"]
    assert rows["reference_leak"].score == rows["bug_output_size_ceil"].score < 13
    cells = rows["reference_leak"].notebooks["im2col.ipynb"]["cells"]
    assert cells["test_conv_output_size"]["score"] == 0


@pytest.mark.parametrize("student", ["process_reach", "leftover_writer"])
def test_the_graders_processes_and_results_are_out_of_reach(batch, student):
    """Both sit on the honest bug of bug_output_size_ceil and earn exactly what it earns.
    process_reach opens every pipe of every other process of its uid through /proc/<pid>/fd to
    forge the stream of results ahead of the harness's and to read the references (the grader's
    channels are socket pairs, which /proc does not open, and its processes are not dumpable).
    leftover_writer leaves a process behind the kernel that rewrites phase B's results in WORK
    with the right answers (the harness kills what phase A left before phase B starts, and
    phase B's guard stops a process it would start: flagged)."""
    rows = batch["rows"]
    cells = rows[student].notebooks["im2col.ipynb"]["cells"]
    assert rows[student].score == rows["bug_output_size_ceil"].score < 13, \
        (rows[student].flags, {gid: (c["score"], c["messages"][:1], c["visible_message"])
                               for gid, c in cells.items()})
    assert cells["test_conv_output_size"]["score"] == 0
    assert "crashed" not in rows[student].flags


def test_threads_stop_at_the_limit(batch):
    html = (batch["out"] / "feedback" / "thread_flood" / f"{ASSIGNMENT}.html").read_text()
    started = [int(n) for n in re.findall(r"threads started: (\d+)", html)]
    assert started and max(started) <= LIMITS.nproc, started


@pytest.mark.parametrize("student", MALFORMED)
def test_bad_intake_is_a_flagged_row(batch, student):
    row = batch["rows"][student]
    assert row.score == 0 and "malformed-notebook" in row.flags, row.flags


def test_nothing_outside_the_sandbox_was_touched(batch):
    before = batch["before"]
    assert batch["sentinel"].read_text() == "leave me alone"
    assert tree_hash(batch["course"] / "source") == before["source"]
    assert tree_hash(ROOT / "source") == before["repo_source"]
    assert tree_hash(ROOT / "autograder") == before["autograder"]
    assert tree_hash(batch["elsewhere"]) == before["elsewhere"]
    assert bin_listing(Path(os.sys.prefix) / "bin") == before["venv_bin"]
    assert bin_listing(batch["venv_bin"]) == before["python_bin"]
    assert not list(batch["elsewhere"].glob("pwned*"))
    assert not (Path("/usr/local/bin") / "prlimit").exists()


def test_no_process_or_cgroup_is_left_behind(batch):
    assert _children_of_this_process() == []
    for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        assert not list(base.glob(f"cnn-grade-{os.getpid()}-*")) if base.is_dir() else True


def _normalised(text):
    return {" ".join(line.split()) for line in text.split("\n")}


def _submitted_lines(subs, student):
    """Every line a student's own submission holds (an honest one holds the solution)."""
    lines = set()
    folder = subs / student
    for path in folder.rglob("*.ipynb") if folder.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            lines |= _normalised(path.read_text())
            lines |= {l for c in nbformat.read(path, as_version=4).cells for l in _normalised(c.source)}
    return lines


def test_no_solution_reaches_feedback_or_formgrader(batch):
    """No line of the solutions reaches a student's page or autograded notebook unless the
    student wrote it: not through links to the instructor's notebooks, not through the harness."""
    secret = solution_lines()
    assert secret
    checked = 0
    for student in batch["rows"]:
        own = _submitted_lines(batch["subs"], student)
        folder = folder_name(student)
        paths = [*(batch["out"] / "feedback" / folder).glob("*.html"),
                 *(batch["course"] / "autograded" / folder).rglob("*.ipynb")]
        for path in paths:
            text = path.read_text()
            if path.suffix == ".ipynb":
                text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
            leaked = (secret & _normalised(text)) - own
            assert not leaked, (student, path, sorted(leaked)[:3])
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text, path
            checked += 1
    assert checked > len(batch["rows"])


def test_names_that_clean_up_alike_keep_their_own_feedback(batch):
    """张伟 and 李娜, `jo hn` and `jo_hn`: each student's own page, score and name."""
    out, rows = batch["out"], batch["rows"]
    with open(out / "grades.csv", newline="") as f:
        csv_rows = {r["student"]: r for r in csv.DictReader(f)}
    folders = {}
    for student in ("张伟", "李娜", "jo hn", "jo_hn"):
        assert csv_rows[student]["score"] == f"{rows[student].score:g}"
        matches = [p.parent for p in (out / "feedback").glob("*/results.json")
                   if json.loads(p.read_text())["score"] == rows[student].score
                   and f"— {student}</h1>" in (p.parent / f"{ASSIGNMENT}.html").read_text()]
        assert len(matches) == 1, (student, matches)
        folders[student] = matches[0]
    assert len(set(folders.values())) == 4
    with sqlite3.connect(f"file:{batch['course'] / 'gradebook.db'}?mode=ro", uri=True) as con:
        ids = {r[0] for r in con.execute("select id from student")}
    assert {"张伟", "李娜", "jo hn", "jo_hn"} <= ids


def test_the_batch_finishes_with_every_report(batch):
    out = batch["out"]
    with open(out / "grades.csv", newline="") as f:
        students = {r["student"] for r in csv.DictReader(f)}
    assert set(batch["rows"]) == students
    assert (out / "summary.png").exists()
    assert len(list((out / "feedback").glob("*/results.json"))) == len(students)


def test_gradebook_holds_the_trusted_scores_only(batch):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{batch['course'] / 'gradebook.db'}", "cnn-from-scratch") as gb:
        for row in batch["rows"].values():
            if not row.notebooks:
                continue
            grades = [g for nb in gb.find_submission(ASSIGNMENT, row.student).notebooks
                      for g in nb.grades]
            assert all(g.manual_score is None for g in grades), row.student
            assert sum(g.score for g in grades) == row.score, row.student
