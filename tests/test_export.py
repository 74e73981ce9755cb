"""`cnn-course export student`: a bundle with no solution in it, whose toolkit checks the
visible tests and lets a later notebook load the student's own earlier functions."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder.building.build import ANSWERS_TAG
from autograder.building.export import export_student
from autograder.building.submissions import fill, filled_with_solutions
from autograder.notebook import HIDDEN_MARKERS, SOLUTION_MARKERS

from helpers import ASSIGNMENTS, ROOT, source_notebooks


def _normal(line):
    return re.sub(r"\s+", " ", line).strip()


def secret_lines():
    """Normalised lines of at least 20 characters: of every solution, every hidden test, the
    answers to every notebook's closing questions and every reference function's body
    (autograder/references and the ref_ functions of checks)."""
    import nbformat
    lines = set()
    for assignment in ASSIGNMENTS:
        for path in source_notebooks(assignment):
            for cell in nbformat.read(path, as_version=4).cells:
                if ANSWERS_TAG in cell.metadata.get("tags", []):
                    lines |= {_normal(l) for l in cell.source.splitlines()}
                    continue
                for begin, end in (SOLUTION_MARKERS, HIDDEN_MARKERS):
                    for region in re.findall(re.escape(begin) + "(.*?)" + re.escape(end),
                                             cell.source, re.S):
                        lines |= {_normal(l) for l in region.splitlines()}
    for path in [*(ROOT / "autograder" / "references").rglob("*.py"),
                 *(ROOT / "autograder" / "checks").glob("*.py")]:
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and (
                    "references" in path.parts or node.name.startswith("ref_")):
                body = ast.get_source_segment(text, node).splitlines()[1:]
                lines |= {_normal(l) for l in body if not _normal(l).startswith(('"""', "#"))}
    return {l for l in lines if len(l) >= 20} - public_lines()


def public_lines():
    """The normalised lines of the source notebooks outside solutions and hidden tests: given
    code that students see by design (a loop version to time against, the model's set-up),
    even where a solution has the same line."""
    import nbformat
    lines = set()
    for assignment in ASSIGNMENTS:
        for path in source_notebooks(assignment):
            for cell in nbformat.read(path, as_version=4).cells:
                if ANSWERS_TAG in cell.metadata.get("tags", []):
                    continue
                text = cell.source
                for begin, end in (SOLUTION_MARKERS, HIDDEN_MARKERS):
                    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), "", text, flags=re.S)
                lines |= {_normal(l) for l in text.splitlines()}
    return lines


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return export_student(ROOT, tmp_path_factory.mktemp("export") / "student.zip")


def _notebook_text(data):
    """A notebook's cell sources and text outputs, one line per line (JSON escapes undone)."""
    parts = []
    for cell in json.loads(data).get("cells", []):
        parts.append("".join(cell.get("source", "")))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
    return "\n".join(parts)


def _texts(archive):
    """(name, text) of every file in the zip, the wheel's files included; a notebook as its
    cells' text."""
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith(".whl"):
                inner = archive.parent / Path(name).name
                inner.write_bytes(data)
                yield from ((f"{name}!{n}", t) for n, t in _texts(inner))
            elif name.endswith(".ipynb"):
                yield name, _notebook_text(data)
            else:
                yield name, data.decode("utf-8", "replace")


def test_the_bundle_holds_the_release_the_toolkit_and_the_pins(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert {f"release/{a}/{p.name}" for a in ASSIGNMENTS for p in source_notebooks(a)} <= set(names)
    assert "constraints.txt" in names and "README.md" in names
    assert any(n.startswith("wheels/cnn_course_toolkit-") for n in names)
    assert not [n for n in names if n.startswith(("source/", "solutions/", "autograder/"))]


def test_no_solution_hidden_test_or_reference_line_is_in_the_bundle(bundle):
    secrets = secret_lines()
    assert len(secrets) > 200   # the scan has something to look for
    leaks = [(name, _normal(line)) for name, text in _texts(bundle)
             for line in text.splitlines() if _normal(line) in secrets]
    assert not leaks, leaks[:5]
    assert not [n for n, _ in _texts(bundle) if "autograder" in n]


@pytest.fixture(scope="module")
def student_env(bundle, tmp_path_factory):
    """A fresh venv with the bundle's wheel installed (no -e), beside the test environment's
    third-party packages only: neither the repository nor `autograder` is importable there."""
    tmp = tmp_path_factory.mktemp("student")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")], check=True)
    python = tmp / "venv" / "bin" / "python"
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; "
                                         "print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp / "bundle")
    (wheel,) = (tmp / "bundle" / "wheels").glob("*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    return python, tmp / "bundle"


def test_the_student_environment_cannot_reach_the_grader(student_env):
    python, folder = student_env
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CNN_COURSE_REFERENCES")}
    result = subprocess.run([str(python), "-c", "import course.cli, importlib.util as u; "
                             "print(u.find_spec('autograder'), course.cli.__file__)"],
                            cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("None ") and str(folder.parent) in result.stdout


def test_check_in_the_bundle_runs_the_visible_tests_and_loads_the_students_own_01(student_env):
    python, folder = student_env
    for assignment in ("01_im2col", "02_convolution"):
        (release,) = (folder / "release" / assignment).glob("*.ipynb")
        fill(release, filled_with_solutions(ROOT, assignment)[release.name], release)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CNN_COURSE_REFERENCES")}
    cli = [str(python), "-m", "course.cli", "check"]
    for notebook, functions in (("01_im2col/im2col.ipynb", ("conv_output_size", "im2col", "col2im")),
                                ("02_convolution/convolution.ipynb", ("conv_forward", "conv_backward"))):
        result = subprocess.run([*cli, f"release/{notebook}"], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr[-2000:]
        for fn in functions:
            assert re.search(rf"^{fn}\s+pass$", result.stdout, re.M), result.stdout
        assert "mode: visible tests only" in result.stdout
        assert "hidden checks run when your work is graded" in result.stdout
    # a bug in the student's own 01 reaches 02's tests: 02 ran on the student's own col2im
    release = folder / "release" / "01_im2col" / "im2col.ipynb"
    variant = ROOT / "tests" / "corpus" / "01_im2col" / "bug_col2im_overwrites_overlaps.py"
    fill(release, filled_with_solutions(ROOT, "01_im2col", variant)["im2col.ipynb"], release)
    result = subprocess.run([*cli, "release/02_convolution/convolution.ipynb"], cwd=folder,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1 and re.search(r"^conv_backward\s+FAIL$", result.stdout, re.M), \
        result.stdout
    assert re.search(r"^col2im\s+FAIL$", subprocess.run(
        [*cli, "release/01_im2col/im2col.ipynb"], cwd=folder, env=env, capture_output=True,
        text=True, timeout=600).stdout, re.M)


def test_the_leak_scan_finds_a_solution_and_a_reference():
    secrets = secret_lines()
    solved = _notebook_text((ROOT / "solutions" / "01_im2col" / "im2col.ipynb").read_bytes())
    layers = (ROOT / "autograder" / "references" / "layers.py").read_text()
    for text in (solved, layers):
        assert any(_normal(line) in secrets for line in text.splitlines())
