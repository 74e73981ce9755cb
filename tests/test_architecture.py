"""Rules the package layout keeps: the student toolkit never reaches the grader, imports run
down the floors only, and a plain (non-editable) install works."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT

# floors, lowest first: a module may import its own floor or a lower one
FLOORS = ["autograder.notebook", "autograder.course_root", "autograder.grading.job",
          "autograder.references", "autograder.checks", "autograder.grading",
          "autograder.building", "autograder.cli"]


def floor(module):
    """The floor of the longest name in FLOORS that `module` is or lies inside."""
    matching = [f for f in FLOORS if module == f or module.startswith(f + ".")]
    return FLOORS.index(max(matching, key=len))


def modules(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(module, path):
    """Every module `path` imports (absolute names), wherever in the file the import is."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[:len(module.split(".")) - node.level + is_package]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names
                      if (ROOT / Path(*f"{target}.{alias.name}".split("."))).with_suffix(".py").exists()}
    return found


def test_the_student_toolkit_never_names_or_imports_the_grader():
    for module, path in modules("course"):
        assert "autograder" not in path.read_text(), f"{path.name} names the grader"
        assert not {m for m in imports(module, path) if m.split(".")[0] == "autograder"}


def test_importing_and_using_the_toolkit_loads_nothing_of_the_grader(tmp_path):
    script = ("import sys, course, course.feedback, course.gradcheck, course.data, "
              "course.notebook_import as ni\n"
              "try:\n    ni.load_functions('01_im2col', 'im2col')\nexcept ni.NotebookImportError:\n"
              "    pass\n"
              "assert not [m for m in sys.modules if m.startswith('autograder')], sys.modules\n")
    env = {k: v for k, v in os.environ.items() if k != "CNN_COURSE_REFERENCES"}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_imports_run_down_the_floors_only():
    upward = []
    for module, path in modules("autograder"):
        for target in imports(module, path):
            if target.split(".")[0] == "autograder" and target != "autograder" \
                    and floor(target) > floor(module):
                upward.append(f"{module} -> {target}")
    assert not upward, upward


def test_the_module_graph_has_no_cycle():
    graph = {m: {t for t in imports(m, p) if t.startswith("autograder.")}
             for m, p in modules("autograder")}
    done, active = set(), []

    def visit(m):
        if m in active:
            raise AssertionError(" -> ".join(active[active.index(m):] + [m]))
        if m in done or m not in graph:
            return
        active.append(m)
        for t in graph[m]:
            visit(t)
        active.pop()
        done.add(m)

    for m in graph:
        visit(m)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A plain `pip install .` (no -e) of a copy of the package, beside the test environment's
    dependencies: the copy, not the repository, is what runs."""
    tmp = tmp_path_factory.mktemp("installed")
    copy = tmp / "src"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    for package in ("course", "autograder"):
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(copy)], check=True, capture_output=True)
    return target


def _run(installed, *args, cwd):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def test_a_plain_install_holds_every_package(installed, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import autograder.references.callees.im2col as m, autograder; "
                               "print(autograder.__file__); print(m.__file__)"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith(str(installed)) for line in result.stdout.split())


def test_a_plain_install_builds_checks_and_grades(installed, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for name in ("source", "release"):
        shutil.copytree(ROOT / name, course / name)
    built = _run(installed, "build", "01_im2col", cwd=course)
    assert built.returncode == 0, built.stderr[-2000:]
    notebook = course / "release" / "01_im2col" / "im2col.ipynb"
    checked = _run(installed, "check", str(notebook), cwd=course)
    assert "total: 0/13" in checked.stdout, checked.stdout + checked.stderr[-2000:]
    folder = tmp_path / "subs" / "ada"
    folder.mkdir(parents=True)
    fill(notebook, filled_with_solutions(ROOT, "01_im2col")["im2col.ipynb"], folder / "im2col.ipynb")
    graded = _run(installed, "grade", "01_im2col", "--submissions", str(tmp_path / "subs"), cwd=course)
    assert graded.returncode == 0, graded.stderr[-2000:]
    rows = (course / "grades" / "01_im2col" / "grades.csv").read_text()
    assert "ada" in rows and "13" in rows, rows


def test_one_module_names_the_job_folders_files():
    """job.json, kernel.json, calls/<fn>/... are named in autograder/grading/job.py only."""
    from autograder.grading import job
    names = {job.JOB_FILE, job.KERNEL_STATUS, job.EXECUTED, job.CALLS_STATUS, job.CALLS_TIMEOUT}
    prefixes = (f'"{job.VISIBLE}/', f'"{job.CALLS}/', f'f"{job.VISIBLE}/', f'f"{job.CALLS}/')
    for module, path in modules("autograder"):
        if path.name == "job.py":
            continue
        text = path.read_text()
        assert not [n for n in names if f'"{n}"' in text], f"{path.name} names a job file itself"
        assert not [p for p in prefixes if p in text], f"{path.name} spells a job folder itself"


def test_no_module_imports_a_higher_floor_by_name_either():
    """importlib strings count too: `import_module(f"autograder.checks.{topic}")` in a module
    below checks would be an import up the floors that the import statements do not show."""
    pattern = re.compile(r"""import_module\(f?["'](autograder\.[\w.]+?)(?:\{|["'])""")
    upward = []
    for module, path in modules("autograder"):
        for target in pattern.findall(path.read_text()):
            target = target.rstrip(".")
            if floor(target) > floor(module):
                upward.append(f"{module} -> {target}")
    assert not upward, upward
