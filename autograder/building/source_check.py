"""Checking source notebooks before anything is generated from them.

Each problem becomes one line naming the notebook and the cell, so a broken
source stops the build before it touches release/ or solutions/.
"""

import json

import nbformat

from ..course_root import CourseError
from ..notebook import HIDDEN_MARKERS, SOLUTION_MARKERS

MARKERS = [SOLUTION_MARKERS, HIDDEN_MARKERS]


def _cell_label(index, cell):
    return f"cell {index} (id {cell.get('id', '?')!r})"


def check_notebook(path, shown):
    """Read and check the source notebook at `path`; `shown` is how to name it in errors."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CourseError(f"{shown}: not valid notebook JSON ({error}) — fix it or restore it "
                          "with `git checkout`") from None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, list):
        raise CourseError(f"{shown}: no list of cells — is this a Jupyter notebook?")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source"), (str, list)):
            raise CourseError(f"{shown}: cell {index} is malformed (needs a cell_type of code, "
                              "markdown or raw and a source) — repair it in JupyterLab")
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        where = [p for p in error.absolute_path if isinstance(p, int)]
        cell = f"cell {where[0]}" if where else "notebook metadata"
        raise CourseError(f"{shown}, {cell}: invalid notebook ({error.message}) — repair it in "
                          "JupyterLab") from None
    seen = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        label = _cell_label(index, cell)
        if "answers" in cell.metadata.get("tags", []) and (cell.cell_type != "markdown" or meta):
            raise CourseError(f"{shown}, {label}: an answers cell (tag 'answers') must be a "
                              "markdown cell without nbgrader metadata")
        for begin, end in MARKERS:
            if cell.source.count(begin) != cell.source.count(end):
                raise CourseError(f"{shown}, {label}: unbalanced '{begin}' / '{end}'")
        if not meta or not (meta.get("solution") or meta.get("grade") or meta.get("locked")):
            if "### BEGIN" in cell.source:
                raise CourseError(f"{shown}, {label}: has nbgrader markers but is not an nbgrader "
                                  "cell — mark it as Autograded answer or Autograder tests")
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise CourseError(f"{shown}, {label}: nbgrader cell without a grade_id — set one "
                              "in the cell's nbgrader metadata")
        if grade_id in seen:
            raise CourseError(f"{shown}, {label}: duplicate grade_id {grade_id!r} (also cell "
                              f"{seen[grade_id]}) — grade_ids must be unique")
        seen[grade_id] = index
        if meta.get("grade") and not meta.get("points"):
            raise CourseError(f"{shown}, {label}: test cell {grade_id!r} has no points")
    return nb


def check_assignment(root, assignment):
    """Check every notebook of one assignment; the assignment must exist and hold one."""
    folder = root / "source" / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise CourseError(f"source/{assignment}: no notebook — add source/{assignment}/<topic>.ipynb "
                          "or remove the assignment from nbgrader_config.py")
    return {p: check_notebook(p, str(p.relative_to(root))) for p in notebooks}
