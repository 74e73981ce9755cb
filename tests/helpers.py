"""Shared by the tests: the configured assignments and their corpora."""

import hashlib
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from autograder.course_root import assignments, load_config
from autograder.building.submissions import solution_sources, variant_sources

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
ASSIGNMENTS = assignments(load_config(ROOT))


def source_notebooks(assignment):
    return sorted((ROOT / "source" / assignment).glob("*.ipynb"))


def corpus(assignment, kind):
    """The corpus files of one kind ("bug" or "alt") for an assignment."""
    return sorted((CORPUS / assignment).glob(f"{kind}_*.py"))


def without_ungraded_tail(notebook):
    """Drop the cells after `notebook`'s last test cell, in place; return the path.

    Those cells (06's and 07's trainings, figures and the PyTorch comparison) carry no points
    and take 5-16 s of a 6-20 s notebook, in both pipelines, for every entry. The bug and
    alternative entries are graded without them; the solution and the release still run the
    whole notebook, through nbgrader and through the sandbox."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    tests = [i for i, cell in enumerate(nb.cells)
             if cell.metadata.get("nbgrader", {}).get("grade")
             and not cell.metadata["nbgrader"].get("solution")]
    if tests:
        nb.cells = nb.cells[:tests[-1] + 1]
    nbformat.write(nb, notebook)
    return notebook


def namespace_with(assignment, variant=None):
    """Execute the assignment's solution cells (a variant's functions replacing theirs)."""
    import numpy as np
    namespace = {"np": np}
    answers = {}
    for notebook in source_notebooks(assignment):
        answers.update(solution_sources(notebook))
    helpers = []
    if variant is not None:
        mine = variant_sources(variant)
        helpers = [code for name, code in mine.items() if name not in answers]
        answers.update({k: v for k, v in mine.items() if k in answers})
    # a variant's functions that are not answers (its own im2col in 02) are helpers in its cells
    for code in [*answers.values(), *helpers]:
        exec(compile(code, "<answer>", "exec"), namespace)
    return namespace, answers


def tree_hash(folder):
    """One hash of a folder's names and file contents (links and caches not followed)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@contextmanager
def folder_elsewhere(prefix):
    """A folder outside /tmp, the course and home (an instructor's other files): a sandbox
    must not show it either."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/var/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)
