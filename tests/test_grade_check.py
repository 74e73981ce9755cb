"""`cnn-course check NOTEBOOK`: one notebook, same sandbox and trusted comparison, from any folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def run_check(notebook, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(notebook)],
                          cwd=cwd, env=env, capture_output=True, text=True)


def test_check_reports_the_failing_function_and_exits_nonzero(tmp_path):
    release = ROOT / "release" / "01_im2col" / "im2col.ipynb"
    answers = filled_with_solutions(ROOT, "01_im2col",
                                    ROOT / "tests" / "corpus" / "01_im2col" / "bug_col2im_overwrites_overlaps.py")
    notebook = fill(release, answers["im2col.ipynb"], tmp_path / "mine" / "im2col.ipynb")
    result = run_check(notebook, cwd=tmp_path)          # outside the course
    assert result.returncode == 1, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert " pass " in rows["im2col"] and "FAIL" in rows["col2im"]
    assert "Hint" in rows["col2im"] or "hint" in rows["col2im"]
    assert "verify(" not in result.stdout


def test_check_passes_a_correct_notebook(tmp_path):
    release = ROOT / "release" / "01_im2col" / "im2col.ipynb"
    notebook = fill(release, filled_with_solutions(ROOT, "01_im2col")["im2col.ipynb"],
                    tmp_path / "im2col.ipynb")
    result = run_check(notebook, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "total: 13/13" in result.stdout


def test_missing_bubblewrap_is_a_one_line_refusal(tmp_path, monkeypatch):
    from autograder.grading import sandbox
    from autograder.course_root import CourseError
    monkeypatch.setattr(sandbox, "SYSTEM_PATH", (str(tmp_path),))
    with pytest.raises(CourseError) as error:
        sandbox.require_bwrap()
    assert "apt-get install bubblewrap" in str(error.value) and "--no-sandbox" in str(error.value)
    assert "\n" not in str(error.value)


def test_check_runs_with_python_reached_through_a_link_the_sandbox_hides(tmp_path):
    # a course repository may hold a link to its environment (.venv -> elsewhere): the sandbox
    # hides the link's folder (here /tmp) and binds the environment at its real path
    link = tmp_path / "venv"
    link.symlink_to(Path(sys.prefix).resolve())
    python = link / "bin" / Path(sys.executable).name
    release = ROOT / "release" / "01_im2col" / "im2col.ipynb"
    notebook = fill(release, filled_with_solutions(ROOT, "01_im2col")["im2col.ipynb"],
                    tmp_path / "im2col.ipynb")
    env = {**os.environ, "PATH": f"{python.parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(python), "-m", "autograder.cli", "check", str(notebook)],
                            cwd="/", env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "total: 13/13" in result.stdout
