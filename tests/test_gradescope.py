"""The Gradescope autograder, run as Gradescope runs it, without Docker.

`cnn-course export gradescope 01_im2col` is unzipped under a temporary root that stands for
/autograder (its scripts take $AUTOGRADER_ROOT), installed as setup.sh installs it (the
course wheel unpacked into a world-readable environment, the grader's package and the
source folder closed to other users), and run_autograder grades one submission in each of
the two isolations it may meet: bubblewrap, and an unprivileged uid alone (a container that
refuses namespaces). Every results.json is validated against Gradescope's format.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder.building.gradescope_export import export_gradescope
from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT

ASSIGNMENT = "01_im2col"
NOTEBOOK = "im2col.ipynb"
BUG = ROOT / "tests" / "corpus" / ASSIGNMENT / "bug_col2im_overwrites_overlaps.py"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.json").read_text())

pytestmark = [pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed"),
              pytest.mark.xdist_group("gradescope")]


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The exported zip, and the grader's package as setup.sh leaves it: root's alone."""
    tmp = tmp_path_factory.mktemp("gradescope")
    os.chmod(tmp, 0o755)
    zip_path = export_gradescope(ROOT, ASSIGNMENT, tmp / "autograder.zip")
    closed = tmp / "closed" / "autograder"
    shutil.copytree(ROOT / "autograder", closed, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [closed, *closed.rglob("*")]:
        path.chmod(path.stat().st_mode & 0o700)
    return {"zip": zip_path, "tmp": tmp, "closed": closed}


def container(autograder):
    """A stand-in for a container that refuses namespaces to its processes: a mount namespace
    (made by bwrap, as root, with root's capabilities) in which the test's Python is readable
    by other users, as a container's is, and the grader's package is closed, as setup.sh
    leaves it. Inside it, run_autograder may not use bwrap."""
    python_home = Path(sys.base_prefix).resolve()
    hidden_home = next((p for p in python_home.parents if p != Path("/") and
                        not p.stat().st_mode & 0o001), None)
    args = ["bwrap", "--bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
            "--cap-add", "ALL"]
    if hidden_home is not None:   # pyenv under /root, say: bind its folder in an open one
        opened = hidden_home / python_home.relative_to(hidden_home).parts[0]
        args += ["--perms", "0755", "--tmpfs", str(hidden_home),
                 "--ro-bind", str(opened), str(opened)]
    return args + ["--bind", str(autograder["closed"]), str(ROOT / "autograder"), "--"]


def submission(kind, root):
    """The notebook of one kind of student; attacks aim at this run's own folders."""
    release = ROOT / "release" / ASSIGNMENT / NOTEBOOK
    answers = filled_with_solutions(ROOT, ASSIGNMENT, BUG if kind == "bug" else None)[NOTEBOOK]
    results = str(root / "results" / "results.json")
    attacks = {
        # the path is spelled backwards: nothing for a static scan to find
        "writes-results": f"""
import json as _json
_where = "".join(reversed({results[::-1]!r}))
for _p in (_where, "/autograder/results/results.json"):
    try:
        with open(_p, "w") as _f:
            _json.dump({{"score": 1000, "tests": []}}, _f)
    except OSError:
        pass
""",
        "reads-hidden": f"""
import importlib as _il
try:
    _ref = _il.import_module("autograder.references.layers")
    conv_output_size, im2col, col2im = _ref.conv_output_size, _ref.im2col, _ref.col2im
except Exception:
    pass
_hidden = "".join(reversed({str(root / "source" / "course" / "source" / ASSIGNMENT / NOTEBOOK)[::-1]!r}))
try:
    _stolen = open(_hidden).read()
except OSError:
    pass
""",
    }
    if kind in attacks:
        answers["col2im"] = answers["col2im"] + "\n" + attacks[kind]
    target = root / "submission" / NOTEBOOK
    fill(release, answers, target)
    return target


def run_autograder(autograder, kind, isolation):
    root = autograder["tmp"] / f"{kind}-{isolation}"
    with zipfile.ZipFile(autograder["zip"]) as zf:
        zf.extractall(root / "source")
    os.chmod(root, 0o755)
    for path in [root / "source", *(root / "source").rglob("*")]:
        path.chmod(path.stat().st_mode & 0o700)            # as setup.sh leaves it
    submission(kind, root)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "CNN_AUTOGRADER_ISOLATION": isolation,
           "CNN_AUTOGRADER_PYTHON": sys.executable}
    wrap = container(autograder) if isolation == "setpriv" else []
    subprocess.run([*wrap, "bash", str(root / "source" / "run_autograder")], env=env, check=True,
                   timeout=600, capture_output=True)
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    return results


ISOLATIONS = ["bwrap", "setpriv"]


def needs(autograder, isolation):
    if isolation == "setpriv" and os.geteuid() != 0:
        pytest.skip("the unprivileged-uid run needs root")


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_correct_submission_gets_full_marks(autograder, isolation):
    needs(autograder, isolation)
    results = run_autograder(autograder, "solution", isolation)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 13
    assert "flags: none" in results["output"]
    assert ("bubblewrap sandbox" if isolation == "bwrap" else "no bubblewrap") in results["output"]
    assert all(t["status"] == "passed" and "hidden cases passed" in t["output"]
               for t in results["tests"])


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_buggy_submission_loses_points_with_the_feedback_text(autograder, isolation):
    needs(autograder, isolation)
    results = run_autograder(autograder, "bug", isolation)
    assert 0 < results["score"] < 13
    failed = {t["name"]: t for t in results["tests"] if t["status"] == "failed"}
    assert "test_col2im_values" in failed and "overlap" in failed["test_col2im_values"]["output"]
    hidden = (ROOT / "source" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "### BEGIN HIDDEN TESTS" in hidden
    for test in results["tests"]:
        assert "BEGIN HIDDEN" not in test["output"] and "check_cases" not in test["output"]


@pytest.mark.parametrize("kind", ["writes-results", "reads-hidden"])
@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_an_attack_scores_zero_and_is_flagged(autograder, isolation, kind):
    needs(autograder, isolation)
    results = run_autograder(autograder, kind, isolation)
    assert results["score"] == 0, results["output"]
    assert "tampered" in results["output"] and "grader's files" in results["output"]
    assert all(t["score"] == 0 for t in results["tests"])


def test_a_submission_without_a_notebook_gets_a_results_file_that_says_so(autograder, tmp_path):
    root = tmp_path / "root"
    with zipfile.ZipFile(autograder["zip"]) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "answers.py").write_text("print('hi')\n")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "CNN_AUTOGRADER_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True, timeout=120)
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "No notebook" in results["output"]


def test_setup_script_parses_and_installs_the_pinned_environment(autograder, tmp_path):
    with zipfile.ZipFile(autograder["zip"]) as zf:
        names = zf.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        zf.extractall(tmp_path / "source")
    assert {"setup.sh", "run_autograder", "constraints.txt"} <= set(names)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / "source" / script)], check=True)
    dry = subprocess.run(["bash", str(tmp_path / "source" / "setup.sh")], capture_output=True,
                         text=True, check=True,
                         env={**os.environ, "AUTOGRADER_ROOT": str(tmp_path), "DRY_RUN": "1"})
    assert "bubblewrap" in dry.stdout
    assert f"-c {tmp_path}/source/constraints.txt {tmp_path}/source/wheels/cnn_course-" in dry.stdout
    assert f"chmod -R go-rwx {tmp_path}/source" in dry.stdout
    assert (tmp_path / "source" / "constraints.txt").read_text() == (ROOT / "constraints.txt").read_text()
