"""The reference versions of an earlier notebook's functions, for course.notebook_import.

While grading, each assignment is graded on its own: a later notebook (02, 06)
whose earlier notebook is not beside it gets these instead of the student's own.
The grader names this function in the environment variable that
course.notebook_import reads (REFERENCES_VARIABLE), so that the student toolkit
itself never names, imports or reaches the grader.
"""

import importlib

from ..notebook import topic

PROVIDER = "autograder.checks.fallback:references"


def references(assignment, names):
    """The functions `names` of `assignment`: the fast layers of autograder.references.layers
    where there is one (a whole training run must fit the cell timeout), otherwise
    autograder.checks.<topic>.ref_<name> (also when the grader's sandbox keeps the layers
    out because they hold a function graded there). Raises ImportError or AttributeError."""
    try:
        from ..references.layers import LAYERS
    except ImportError:   # kept out of the sandbox when this assignment grades one of them
        LAYERS = {}
    module = importlib.import_module(f"autograder.checks.{topic(assignment)}")
    return [LAYERS.get(name) or getattr(module, f"ref_{name}") for name in names]
