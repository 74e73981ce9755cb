"""`cnn-course check` for a student of a graded class: the notebook's visible tests, per function.

The notebook runs as JupyterLab's "Run All" runs it (a fresh kernel in its own
folder, so a later notebook loads your own functions from the earlier ones).
Each test cell tests the function its name starts with: `test_im2col_values`
tests `im2col`. A function passes when all of its test cells pass; otherwise
the first failing message is shown, with its hint. The hidden checks, on other
shapes, strides and paddings, run when your work is graded.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .notebook_import import grading_metadata

MODE = ("visible tests only (a graded class's toolkit): the hidden checks run when your work "
        "is graded")


def _tested_function(grade_id, functions):
    """The function a test cell named `grade_id` tests: the longest that its name starts with."""
    named = [f for f in functions if grade_id.startswith(f"test_{f}")]
    return max(named, key=len) if named else None


def run_visible_tests(path, timeout=600):
    """{function: first failing message, or "" when all its test cells pass}, in notebook order."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, allow_errors=True, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    functions = [grading_metadata(c).get("grade_id") for c in nb.cells
                 if c.cell_type == "code" and grading_metadata(c).get("solution")]
    results = {f: "" for f in functions if f}
    for cell in nb.cells:
        meta = grading_metadata(cell)
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        function = _tested_function(str(meta.get("grade_id", "")), results)
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if function and errors and not results[function]:
            error = errors[0]
            results[function] = f"{meta['grade_id']}: {error.get('ename')}: {error.get('evalue')}"
    return results


def check_table(results):
    """(everything passed, text): one line per function, then each failing message in full."""
    width = max([len("function"), *map(len, results)])
    lines = [f"{'function'.ljust(width)}  result"]
    lines += [f"{fn.ljust(width)}  {'FAIL' if message else 'pass'}" for fn, message in results.items()]
    failing = {fn: m for fn, m in results.items() if m}
    lines += [f"{fn}: {message}" for fn, message in failing.items()]
    lines.append(f"mode: {MODE}")
    return not failing and bool(results), "\n".join(lines)
