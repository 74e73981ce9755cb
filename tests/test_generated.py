"""release/ and solutions/ are exactly what source/ generates, and leak nothing."""

import json
import re
import shutil

import nbformat
import pytest

from autograder.building.build import ANSWER_STUB, ANSWERS_TAG, build, _same
from autograder.course_root import CONFIG_FILE

from helpers import ASSIGNMENTS, ROOT, source_notebooks


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    """A build of the committed source/ in a scratch copy of the course."""
    course = tmp_path_factory.mktemp("course")
    shutil.copyfile(ROOT / CONFIG_FILE, course / CONFIG_FILE)
    shutil.copytree(ROOT / "source", course / "source")
    build(course, log=lambda *_: None)
    return course


@pytest.mark.parametrize("kind", ["release", "solutions"])
def test_committed_generated_folders_match_a_fresh_build(fresh_build, kind):
    for assignment in ASSIGNMENTS:
        fresh = sorted(p.relative_to(fresh_build) for p in (fresh_build / kind / assignment).rglob("*")
                       if p.is_file())
        committed = sorted(p.relative_to(ROOT) for p in (ROOT / kind / assignment).rglob("*")
                           if p.is_file())
        assert fresh == committed, f"{kind}/{assignment}: files differ — run `make build`"
        for path in fresh:
            assert _same(fresh_build / path, ROOT / path), f"{path} is stale — run `make build`"


def hidden_lines(assignment):
    """Every non-trivial line inside the hidden-test regions of an assignment's source."""
    lines = set()
    for notebook in source_notebooks(assignment):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for region in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                     cell.source, flags=re.S):
                lines |= {l.strip() for l in region.splitlines() if len(l.strip()) > 12}
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("kind", ["release", "solutions"])
def test_no_hidden_test_text_reaches_students(assignment, kind):
    secret = hidden_lines(assignment)
    assert secret, "the source has no hidden tests"
    for path in (ROOT / kind / assignment).rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            decoded = text if path.suffix != ".ipynb" else "\n".join(
                c.source for c in nbformat.reads(text, as_version=4).cells)
            for marker in ("HIDDEN TESTS", "autograder"):
                assert marker not in decoded, f"{path.relative_to(ROOT)} mentions {marker!r}"
            leaked = [line for line in secret if line in decoded]
            assert not leaked, f"{path.relative_to(ROOT)} contains hidden test code: {leaked[0]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_are_clean_and_executed_with_figures(assignment):
    for path in (ROOT / "solutions" / assignment).glob("*.ipynb"):
        raw = json.loads(path.read_text())
        nb = nbformat.reads(path.read_text(), as_version=4)
        assert "BEGIN SOLUTION" not in path.read_text(), f"{path.name} keeps solution markers"
        assert "nbgrader" not in json.dumps([c["metadata"] for c in raw["cells"]]), \
            f"{path.name} keeps nbgrader metadata"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{path.name} is not fully executed"
        errors = [c.id for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: cells {errors} raise"
        assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs), \
            f"{path.name} has no figure"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_stubs_and_no_outputs(assignment):
    for path in (ROOT / "release" / assignment).glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert answers and all("raise NotImplementedError()" in c.source for c in answers)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_answers_to_the_closing_questions_reach_solutions_only(assignment):
    for source in source_notebooks(assignment):
        answers = {c.id: c.source for c in nbformat.read(source, as_version=4).cells
                   if ANSWERS_TAG in c.metadata.get("tags", [])}
        assert answers, f"{source.name} has no answers cell (tag {ANSWERS_TAG!r})"
        release = nbformat.read(ROOT / "release" / assignment / source.name, as_version=4)
        solution = nbformat.read(ROOT / "solutions" / assignment / source.name, as_version=4)
        assert {c.id: c.source for c in release.cells if c.id in answers} == \
            {cid: ANSWER_STUB for cid in answers}, f"release/{assignment}/{source.name}: answers not cleared"
        released = "\n".join(c.source for c in release.cells)
        lines = {l.strip() for text in answers.values() for l in text.splitlines() if len(l.strip()) > 20}
        leaked = [l for l in lines if l in released]
        assert not leaked, f"release/{assignment}/{source.name} contains an answer: {leaked[0]}"
        assert {c.id: c.source for c in solution.cells if c.id in answers} == answers, \
            f"solutions/{assignment}/{source.name}: the answers are missing"
