"""Grading simulated or collected submissions with a real `nbgrader autograde`.

Everything happens in a scratch course folder: the course's config and the
assignment's source are copied there, `generate_assignment` fills a fresh
gradebook with the test cells (hidden parts included), and each student's
notebooks are placed under submitted/ and autograded one student at a time.
"""

import os
import shutil
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute

from course.notebook_import import REFERENCES_VARIABLE

from ..checks.fallback import PROVIDER
from ..course_root import CONFIG_FILE, CourseError, load_config


class ExecuteOnItsOwn(Execute):
    """nbgrader's Execute, for a notebook graded on its own: its kernel is told where the
    reference versions of the earlier notebooks' functions come from, so that 02, 06 and 07
    load those where the student's earlier notebooks are not beside them
    (course.notebook_import). nbgrader_config.py puts it in autograde's pipeline, and the
    build executes the solutions with it. Only these kernels get it: a student's kernel in
    JupyterLab, whose server reads the same configuration, stops with a message instead."""

    def setup_kernel(self, **kwargs):
        # nbconvert's preprocess starts its kernel through here, without arguments
        kwargs.setdefault("env", {**os.environ, REFERENCES_VARIABLE: PROVIDER})
        return super().setup_kernel(**kwargs)


def scratch_course(root, assignment, workdir):
    """A course folder in `workdir` with `assignment` generated and its gradebook filled."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(root) / CONFIG_FILE, workdir / CONFIG_FILE)
    shutil.copytree(Path(root) / "source" / assignment, workdir / "source" / assignment,
                    dirs_exist_ok=True)
    api = _api(workdir)
    result = api.generate_assignment(assignment)
    if not result["success"]:
        raise CourseError(f"source/{assignment}: nbgrader generate_assignment failed — "
                          f"run `nbgrader generate_assignment {assignment} --force` to see why")
    return api


def _api(course):
    config = load_config(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def autograde(api, assignment, submissions):
    """Autograde `submissions` ({student: [notebook paths]}); returns {student: scores}.

    scores is {grade_id: (score, max_score)} over every graded test cell, empty
    when nbgrader could not grade the student at all.
    """
    course = Path(api.coursedir.root)
    for student, notebooks in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            shutil.copyfile(notebook, folder / Path(notebook).name)
        api.autograde(assignment, student)
    return {student: scores(api, assignment, student) for student in submissions}


def scores(api, assignment, student):
    """{grade_id: (score, max_score)} for one autograded student, from the gradebook."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except Exception:
            return {}
        return {grade.name: (grade.score, grade.max_score)
                for notebook in submission.notebooks for grade in notebook.grades}
