"""Grading one Gradescope submission inside its container: `python -m
autograder.grading.gradescope [ROOT]`, which the exported `run_autograder` calls.

Gradescope unzips the autograder into ROOT/source (ROOT is /autograder), puts the student's
files in ROOT/submission and reads ROOT/results/results.json. The submission is graded by
the same Grader as `cnn-course grade`, with the same flags; its notebook runs as an
unprivileged uid, in bwrap where the container allows user namespaces, else under SETPRIV
(a uid, limits and the watchdog alone), which is allowed only when the grader's own files
are unreadable to that uid (setup.sh makes them so). results.json is written here, by root,
from the trusted scores; the notebook never sees ROOT/results.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import report, sandbox
from .grade import grade
from .trusted import load_spec
from ..course_root import CourseError

STUDENT = "submission"
ISOLATION = {sandbox.BWRAP: "bubblewrap sandbox (no network, private filesystem view), "
                            "as an unprivileged uid",
             sandbox.SETPRIV: "no bubblewrap in this container: an unprivileged uid with limits "
                              "on time, memory, file size and processes (network not blocked)"}


def choose_isolation(private):
    """BWRAP when bwrap runs here, else SETPRIV once every `private` folder is closed to others."""
    forced = os.environ.get("CNN_AUTOGRADER_ISOLATION")
    if forced == sandbox.BWRAP or (forced is None and sandbox.bwrap_works()):
        return sandbox.BWRAP
    for folder in private:
        if folder.exists() and os.stat(folder).st_mode & 0o005:
            raise CourseError(f"{folder} is readable by other users, so the notebook could read "
                              "the hidden checks — run setup.sh (it closes it), or "
                              f"`chmod -R go-rwx {folder}`")
    return sandbox.SETPRIV


def assignment_of(course):
    (name,) = [p.name for p in (course / "source").iterdir() if p.is_dir()]
    return name


def failure(message):
    """results.json for a submission the grader could not grade."""
    return {"score": 0.0, "output": message, "tests": []}


def results(root):
    """The results.json of the submission under `root`, as a dict."""
    course = root / "source" / "course"
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        return failure("No notebook (.ipynb) was found in your submission: upload the notebook "
                       "file itself, not a link or a zip of a folder.")
    isolation = choose_isolation([root / "source", sandbox.grader_package()])
    with tempfile.TemporaryDirectory(prefix="cnn-gradescope-") as tmp:
        os.chmod(tmp, 0o700)
        student = Path(tmp) / "subs" / STUDENT
        student.mkdir(parents=True)
        for path in notebooks:
            shutil.copyfile(path, student / path.name)
        assignment = assignment_of(course)
        rows = grade(course, assignment, submissions=student.parent, out=Path(tmp) / "out", jobs=1,
                     use_sandbox=True if isolation == sandbox.BWRAP else sandbox.SETPRIV,
                     gradebook=False, hide=[root], log=lambda *a: None)
    return report.gradescope(load_spec(course, assignment), rows[0], ISOLATION[isolation])


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else "/autograder")
    out = root / "results"
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o755)
    try:
        made = results(root)
    except Exception as error:  # noqa: BLE001 - Gradescope must always get a results.json
        made = failure(f"The autograder could not grade this submission "
                       f"({type(error).__name__}: {str(error)[:300]}); tell your instructor.")
    (out / "results.json").unlink(missing_ok=True)      # root's file, never one found there
    (out / "results.json").write_text(json.dumps(made, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
