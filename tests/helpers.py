"""Shared by the tests: the configured assignments and their corpora."""

from pathlib import Path

from autograder.course_root import assignments, load_config
from autograder.submissions import solution_sources, variant_sources

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
ASSIGNMENTS = assignments(load_config(ROOT))


def source_notebooks(assignment):
    return sorted((ROOT / "source" / assignment).glob("*.ipynb"))


def corpus(assignment, kind):
    """The corpus files of one kind ("bug" or "alt") for an assignment."""
    return sorted((CORPUS / assignment).glob(f"{kind}_*.py"))


def namespace_with(assignment, variant=None):
    """Execute the assignment's solution cells (a variant's functions replacing theirs)."""
    import numpy as np
    namespace = {"np": np}
    answers = {}
    for notebook in source_notebooks(assignment):
        answers.update(solution_sources(notebook))
    if variant is not None:
        answers.update({k: v for k, v in variant_sources(variant).items() if k in answers})
    for code in answers.values():
        exec(compile(code, "<answer>", "exec"), namespace)
    return namespace, answers
