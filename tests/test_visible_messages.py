"""What a student sees when a visible test fails: a check's sentence, never a raw exception.

The release notebooks run in process, as a student's kernel runs them, with the
reference answers except for one function that is broken in one way: a corpus
bug, or a function that returns None, returns a number instead of arrays, or
crashes. Every failing test cell must fail with an AssertionError whose message
names what broke; a NumPy broadcast error or a failed unpacking in the test code
itself would teach nothing.
"""

import contextlib
import io
import linecache

import matplotlib
import nbformat
import pytest

from autograder.building.submissions import fill, filled_with_solutions
from autograder.checks.fallback import PROVIDER
from course.notebook_import import REFERENCES_VARIABLE

from helpers import ASSIGNMENTS, ROOT, corpus

matplotlib.use("Agg")

BROKEN = {
    "returns_none": "def {name}(*args, **kwargs):\n    return None\n",
    "returns_a_number": "def {name}(*args, **kwargs):\n    return 0.0\n",
    "crashes": "def {name}(*args, **kwargs):\n    import numpy as np\n"
               "    return np.zeros((2, 3)) + np.zeros((4, 5))\n",
}


def failures(assignment, answers, tmp_path):
    """{grade_id: exception} for the failing test cells of the filled release notebooks."""
    import matplotlib.pyplot as plt
    failed = {}
    for release in sorted((ROOT / "release" / assignment).glob("*.ipynb")):
        path = tmp_path / assignment / release.name
        path.parent.mkdir(parents=True, exist_ok=True)
        fill(release, answers[release.name], path)
        namespace = {"__name__": "__main__"}
        cells = nbformat.read(path, as_version=4).cells
        # what follows the last test cell (the final training run, figures) tests nothing
        last = max(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade"))
        with contextlib.chdir(path.parent), contextlib.redirect_stdout(io.StringIO()):
            for cell in cells[:last + 1]:
                if cell.cell_type != "code":
                    continue
                filename = f"<{cell.id}>"   # with its lines, as IPython registers a cell's
                linecache.cache[filename] = (len(cell.source), None,
                                             cell.source.splitlines(keepends=True), filename)
                try:
                    exec(compile(cell.source, filename, "exec"), namespace)
                except Exception as error:
                    if cell.metadata.get("nbgrader", {}).get("grade"):
                        failed[cell.metadata["nbgrader"]["grade_id"]] = error
                finally:
                    plt.close("all")
    return failed


def graded_functions(assignment):
    answers = filled_with_solutions(ROOT, assignment)
    return [name for notebook in answers.values() for name in notebook]


def with_broken(assignment, name, code):
    answers = filled_with_solutions(ROOT, assignment)
    for notebook in answers.values():
        if name in notebook:
            notebook[name] = code
    return answers


def assert_sentences(failed, what):
    raw = {gid: f"{type(e).__name__}: {e}" for gid, e in failed.items()
           if not isinstance(e, AssertionError)}
    assert not raw, f"{what}: raw exceptions reach the student in {raw}"


@pytest.fixture(autouse=True)
def grading_environment(monkeypatch):
    # an earlier notebook is not beside the filled one: the references stand in, as in grading
    monkeypatch.setenv(REFERENCES_VARIABLE, PROVIDER)


QUICK = [a for a in ASSIGNMENTS if a != "06_cnn"]   # 06 trains a network in its cells


@pytest.mark.parametrize("assignment,variant",
                         [(a, v) for a in ASSIGNMENTS for v in corpus(a, "bug")],
                         ids=lambda p: getattr(p, "stem", p))
def test_each_corpus_bug_fails_with_a_sentence(assignment, variant, tmp_path):
    failed = failures(assignment, filled_with_solutions(ROOT, assignment, variant), tmp_path)
    assert_sentences(failed, variant.name)


@pytest.mark.parametrize("assignment", QUICK)
@pytest.mark.parametrize("mode", sorted(BROKEN))
def test_a_broken_function_fails_its_tests_with_a_sentence(assignment, mode, tmp_path):
    for name in graded_functions(assignment):
        failed = failures(assignment, with_broken(assignment, name, BROKEN[mode].format(name=name)),
                          tmp_path / name)
        assert failed, f"{name} that {mode.replace('_', ' ')} passes every visible test"
        assert_sentences(failed, f"{name} that {mode.replace('_', ' ')}")


def test_a_crash_names_the_call_the_line_and_a_cause(tmp_path):
    variant = ROOT / "tests" / "corpus" / "01_im2col" / "bug_im2col_pads_only_output_size.py"
    failed = failures("01_im2col", filled_with_solutions(ROOT, "01_im2col", variant), tmp_path)
    message = str(failed["test_im2col_shapes"])
    assert message.startswith("im2col(array 2x3x5x7, 3, 3, stride=1, pad=1): raised ValueError")
    assert "of im2col: `cols[:, :, i, j] = x[" in message
    assert "padded image" in message
