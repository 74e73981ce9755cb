"""What the instructor side knows about a course notebook: topics, nbgrader metadata, markers."""

import re

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def topic(assignment):
    """'01_im2col' -> 'im2col': the notebook's name and the checks module's name."""
    return re.sub(r"^\d+_", "", assignment)


def nbgrader_meta(cell):
    """A cell's nbgrader metadata, {} when it has none or it is not a dict."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_ids(nb):
    """The nbgrader grade_ids of a notebook's cells (text ones only)."""
    return {g for c in nb.cells if isinstance(g := nbgrader_meta(c).get("grade_id"), str)}
