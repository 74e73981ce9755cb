"""`cnn-course export student OUT.zip`: what a student of a graded class receives.

The release notebooks, the `course` toolkit as a wheel of its own (its
`cnn-course check` runs the visible tests only), the pinned environment and a
short README. Nothing of source/, solutions/ or autograder/: no solution, no
hidden test, no reference implementation.
"""

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..course_root import CourseError, assignments, load_config

CONSTRAINTS = "constraints.txt"
TOOLKIT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "cnn-course-toolkit"
version = "{version}"
description = "CNN From Scratch: the student toolkit (gradient checks, feedback checks, data, check)"
requires-python = ">=3.10"
dependencies = ["numpy", "matplotlib", "scikit-learn", "nbformat", "nbclient", "ipykernel",
                "jupyterlab", "nbgrader"]

[project.scripts]
cnn-course = "course.cli:main"

[tool.setuptools]
packages = ["course"]

[tool.setuptools.package-data]
course = ["*.npz"]
"""
STUDENT_README = """\
# CNN From Scratch: your notebooks

    python3 -m venv .venv && . .venv/bin/activate
    pip install -c {constraints} wheels/*.whl
    jupyter lab release/

Work through `release/` in order and keep its folders side by side: a later notebook loads
your own functions from the earlier ones. Replace each `raise NotImplementedError()` with
your code and run the test cell below it. Before you submit,

    cnn-course check release/01_im2col/im2col.ipynb

runs the notebook's visible tests and prints, per function, pass or fail with the message
and its hint. The hidden checks (other shapes, strides and paddings) run when your work is
graded. Submit the notebooks as your instructor says.
"""


def build_wheel(project, out_dir, name):
    """pip's wheel of the project folder `project` in `out_dir`; returns its path."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                             "--no-build-isolation", "-w", str(out_dir), str(project)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise CourseError(f"building the {name} wheel failed: {result.stderr.strip()[-300:]}")
    (wheel,) = Path(out_dir).glob(f"{name}-*.whl")
    return wheel


def toolkit_wheel(root, out_dir):
    """Build the `course` package alone as a wheel in `out_dir`; returns its path."""
    import course
    with tempfile.TemporaryDirectory(prefix="cnn-toolkit-") as tmp:
        shutil.copytree(Path(root) / "course", Path(tmp) / "course",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (Path(tmp) / "pyproject.toml").write_text(TOOLKIT_PYPROJECT.format(version=course.__version__))
        return build_wheel(tmp, out_dir, "cnn_course_toolkit")


def export_student(root, out_zip):
    """Write the student bundle of every assignment to `out_zip`; returns its path."""
    root, out_zip = Path(root), Path(out_zip)
    constraints = root / CONSTRAINTS
    if not constraints.is_file():
        raise CourseError(f"{constraints} is missing — run `make lock` to pin the environment")
    with tempfile.TemporaryDirectory(prefix="cnn-export-") as tmp:
        wheel = toolkit_wheel(root, Path(tmp))
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for assignment in assignments(load_config(root)):
                folder = root / "release" / assignment
                if not any(folder.glob("*.ipynb")):
                    raise CourseError(f"release/{assignment} has no notebook — run "
                                      f"`cnn-course build {assignment}` first")
                for path in sorted(p for p in folder.iterdir() if p.is_file()):   # notebooks, data
                    zf.write(path, f"release/{assignment}/{path.name}")
            zf.write(wheel, f"wheels/{wheel.name}")
            zf.write(constraints, CONSTRAINTS)
            zf.writestr("README.md", STUDENT_README.format(constraints=CONSTRAINTS))
    return out_zip
