"""`cnn-course export gradescope ASSIGNMENT OUT.zip`: a Gradescope autograder for one assignment.

Gradescope unzips it into /autograder/source, runs setup.sh once when the image is built and
run_autograder once per submission (autograder.grading.gradescope does the grading). Both
scripts take their root from $AUTOGRADER_ROOT (default /autograder), so that the zip can be
tried under any folder.

    setup.sh, run_autograder     at the zip's root, as Gradescope requires
    constraints.txt              the pinned environment of `make` and the student bundle
    wheels/cnn_course-*.whl      the course and its grader
    course/                      nbgrader_config.py, source/ASSIGNMENT, release/ASSIGNMENT
"""

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from ..course_root import CONFIG_FILE, CourseError, assignments, load_config
from .export import CONSTRAINTS, build_wheel

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (use its
# Ubuntu 24.04 base: the pinned NumPy needs Python 3.11 or newer). DRY_RUN=1 prints the
# commands instead of running them.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
HERE="$ROOT/source"
run() { if [ -n "${DRY_RUN:-}" ]; then echo "+ $*"; else "$@"; fi; }
run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3 python3-venv bubblewrap util-linux
if [ -z "${DRY_RUN:-}" ] && ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup.sh: Python 3.11 or newer is needed — choose Gradescope's Ubuntu 24.04 base image" >&2
    exit 1
fi
run python3 -m venv "$ROOT/venv"
run "$ROOT/venv/bin/pip" install --quiet -c "$HERE/constraints.txt" "$HERE"/wheels/*.whl
# the notebook runs as an unprivileged uid: the hidden checks and references are root's alone
run chmod -R go-rwx "$HERE"
if [ -z "${DRY_RUN:-}" ]; then
    run chmod -R go-rwx "$("$ROOT/venv/bin/python" -c \
        'import autograder, os; print(os.path.dirname(autograder.__file__))')"
fi
"""
RUN = r"""#!/usr/bin/env bash
# Gradescope runs this once per submission, as root. CNN_AUTOGRADER_PYTHON picks another
# Python that has the course installed (a test's environment, say).
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec "${CNN_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}" -m autograder.grading.gradescope "$ROOT"
"""
COURSE_FILES = ("pyproject.toml", "README.md")
COURSE_PACKAGES = ("course", "autograder")


def course_wheel(root, out_dir):
    """Build the course with its grader as a wheel in `out_dir` (from a copy: the build
    writes its build/ and egg-info beside the sources); returns its path."""
    root = Path(root)
    with tempfile.TemporaryDirectory(prefix="cnn-wheel-") as tmp:
        for name in COURSE_FILES:
            shutil.copyfile(root / name, Path(tmp) / name)
        for name in COURSE_PACKAGES:
            shutil.copytree(root / name, Path(tmp) / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        return build_wheel(tmp, out_dir, "cnn_course")


def _script(zf, name, text):
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    zf.writestr(info, text)


def export_gradescope(root, assignment, out_zip):
    """Write the Gradescope autograder of `assignment` to `out_zip`; returns its path."""
    root, out_zip = Path(root), Path(out_zip)
    if assignment not in assignments(load_config(root)):
        raise CourseError(f"unknown assignment {assignment!r} — not in {CONFIG_FILE}")
    constraints = root / CONSTRAINTS
    if not constraints.is_file():
        raise CourseError(f"{constraints} is missing — run `make lock` to pin the environment")
    release = root / "release" / assignment
    if not any(release.glob("*.ipynb")):
        raise CourseError(f"release/{assignment} has no notebook — run "
                          f"`cnn-course build {assignment}` first")
    with tempfile.TemporaryDirectory(prefix="cnn-export-") as tmp:
        wheel = course_wheel(root, Path(tmp))
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            _script(zf, "setup.sh", SETUP)
            _script(zf, "run_autograder", RUN)
            zf.write(constraints, CONSTRAINTS)
            zf.write(wheel, f"wheels/{wheel.name}")
            zf.write(root / CONFIG_FILE, f"course/{CONFIG_FILE}")
            for kind in ("source", "release"):
                for path in sorted(p for p in (root / kind / assignment).rglob("*") if p.is_file()
                                   and ".ipynb_checkpoints" not in p.parts):
                    zf.write(path, f"course/{path.relative_to(root)}")
    return out_zip
