"""Simulated submissions: a release notebook with its answer cells filled in.

A variant is a Python file of top-level functions; each function whose name is
the grade_id of an answer cell replaces that cell, and every other answer cell
gets the reference solution from source/. Other top-level code in the file
(imports, helpers, functions that are not answer cells, such as a student's own
`im2col` in 02) goes in front of the first replaced cell.
"""

import ast
from pathlib import Path

import nbformat

from ..notebook import SOLUTION_MARKERS, nbgrader_meta


def solution_sources(source_notebook):
    """{grade_id: solution code without markers} for every answer cell of a source notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    found = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            lines = cell.source.split("\n")
            found[meta["grade_id"]] = "\n".join(l for l in lines if l.strip() not in SOLUTION_MARKERS)
    return found


def variant_sources(variant_file):
    """{grade_id: code} from a variant file (see the module docstring)."""
    text = Path(variant_file).read_text()
    tree = ast.parse(text)
    functions, preamble = {}, []
    for node in tree.body:
        segment = ast.get_source_segment(text, node, padded=True)
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            functions[node.name] = segment
        else:
            preamble.append(segment)
    if preamble and functions:
        first = next(iter(functions))
        functions[first] = "\n\n".join(preamble + [functions[first]])
    return functions


def fill(release_notebook, answers, out_path):
    """Write `release_notebook` with answer cells replaced by `answers` ({grade_id: code})."""
    nb = nbformat.read(release_notebook, as_version=4)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_path)
    return out_path


def filled_with_solutions(root, assignment, variant=None):
    """{notebook name: answers}: the reference solutions, overridden by a variant file if given."""
    answers = {}
    for source in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        answers[source.name] = solution_sources(source)
    if variant is not None:
        replaced = variant_sources(variant)
        ids = {grade_id for per_notebook in answers.values() for grade_id in per_notebook}
        helpers = [code for name, code in replaced.items() if name not in ids]
        replaced = {name: code for name, code in replaced.items() if name in ids}
        if helpers and replaced:
            first = next(iter(replaced))
            replaced[first] = "\n\n".join(helpers + [replaced[first]])
        for per_notebook in answers.values():
            for grade_id in set(replaced) & set(per_notebook):
                per_notebook[grade_id] = replaced[grade_id]
    return answers
