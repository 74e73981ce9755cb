"""`cnn-course build`: release/ and solutions/ from source/, deterministically.

release/   nbgrader generate_assignment (stubs, visible tests, no outputs, the
           answers to the closing questions cleared by ClearAnswers)
solutions/ nbgrader generate_solution with a cleaning pipeline: hidden tests
           and solution markers removed, executed with figures, nbgrader
           metadata and timings dropped.
Both are generated into build/ first and copied over only when every
assignment succeeded, and a file is rewritten only when its content changed.
"""

import filecmp
import os
import shutil
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from nbgrader.apps import NbGraderAPI
from nbgrader.converters import GenerateSolution
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, NbGraderPreprocessor
from nbgrader.utils import capture_log, temp_attrs

from ..course_root import CourseError, assignments, load_config
from ..notebook import SOLUTION_MARKERS
from .nbgrader_autograde import ExecuteOnItsOwn
from .source_check import check_assignment

STAGING = f"build/{os.getpid()}"  # one per process, so two builds never share it
VARIES_TAG = "varies"  # a cell whose output changes run to run (a live timing)
ANSWERS_TAG = "answers"  # a markdown cell: the answers to a notebook's closing questions
ANSWER_STUB = "YOUR ANSWER HERE"  # nbgrader's own stub for a written answer


class ClearAnswers(NbGraderPreprocessor):
    """Release: the answers to the closing questions give way to a stub (solutions/ keep them).

    nbgrader cannot do this itself: a markdown answer cell must be a graded one, which would
    leave every submission waiting for manual grading. nbgrader_config.py adds this step to
    generate_assignment, so plain nbgrader clears the answers too."""

    def preprocess_cell(self, cell, resources, index):
        if ANSWERS_TAG in cell.metadata.get("tags", []):
            cell.source = ANSWER_STUB
        return cell, resources


class StripSolutionMarkers(NbGraderPreprocessor):
    """Keep the solution code, drop the lines that delimit it."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and SOLUTION_MARKERS[0] in cell.source:
            lines = cell.source.split("\n")
            cell.source = "\n".join(l for l in lines if l.strip() not in SOLUTION_MARKERS)
        return cell, resources


class StripGraderMetadata(NbGraderPreprocessor):
    """A self-learner's notebook carries no nbgrader metadata and no timestamps."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("nbgrader", None)
        for cell in nb.cells:
            cell.metadata.pop("nbgrader", None)
            cell.metadata.pop("execution", None)
        return nb, resources


def _api(root, config, staging):
    config.CourseDirectory.release_directory = f"{STAGING}/{staging}"
    config.CourseDirectory.solution_directory = f"{STAGING}/{staging}"
    config.Execute.record_timing = False
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _generate_solution(api, assignment):
    # NbGraderAPI has no generate_solution; this mirrors its generate_assignment
    with temp_attrs(api.coursedir, assignment_id=assignment):
        app = GenerateSolution(coursedir=api.coursedir, parent=api)
        app.force = True
        # how a kernel splits stdout into chunks depends on timing: merge them, or a second
        # build would differ
        app.preprocessors = [ClearHiddenTests, StripSolutionMarkers, ClearOutput, ExecuteOnItsOwn,
                             CoalesceStreamsPreprocessor(enabled=True), StripGraderMetadata]
        return capture_log(app)


def _run(step, result, assignment):
    if not result["success"]:
        detail = (result.get("error") or result.get("log") or "").strip().splitlines()
        last = detail[-1] if detail else "no details"
        raise CourseError(f"source/{assignment}: nbgrader {step} failed ({last}) — "
                          f"run `nbgrader {step} {assignment} --force` to see the full log")


def _without_varying_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if VARIES_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
    return nb


def _same(new, old):
    if not old.exists():
        return False
    if filecmp.cmp(new, old, shallow=False):
        return True
    return new.suffix == ".ipynb" and _without_varying_outputs(new) == _without_varying_outputs(old)


def _sync(staged, target):
    """Make `target` hold what `staged` holds, touching only files that differ."""
    target.mkdir(parents=True, exist_ok=True)
    for new in sorted(p for p in staged.rglob("*") if p.is_file()):
        old = target / new.relative_to(staged)
        if not _same(new, old):
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)
    for old in sorted(p for p in target.rglob("*") if p.is_file()):
        if not (staged / old.relative_to(target)).exists():
            old.unlink()


def build(root, only=None, log=print):
    """Generate release/ and solutions/ for the configured assignments (or `only` these)."""
    root = Path(root)
    config = load_config(root)
    chosen = only or assignments(config)
    unknown = sorted(set(chosen) - set(assignments(config)))
    if unknown:
        raise CourseError(f"unknown assignment {unknown[0]!r} — the assignments are listed "
                          "in nbgrader_config.py (c.CnnCourse.assignments)")
    for assignment in chosen:
        check_assignment(root, assignment)
    shutil.rmtree(root / STAGING, ignore_errors=True)
    for assignment in chosen:
        log(f"build {assignment}: release")
        _run("generate_assignment",
             _api(root, load_config(root), "release").generate_assignment(assignment), assignment)
        log(f"build {assignment}: solutions (executing)")
        _run("generate_solution", _generate_solution(_api(root, load_config(root), "solutions"),
                                                     assignment), assignment)
    for assignment in chosen:
        for kind in ("release", "solutions"):
            _sync(root / STAGING / kind / assignment, root / kind / assignment)
    shutil.rmtree(root / STAGING, ignore_errors=True)
