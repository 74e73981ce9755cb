"""Use your own functions from an earlier notebook of the course.

    conv_output_size, im2col, col2im = load_functions(
        "01_im2col", "conv_output_size", "im2col", "col2im")

looks for `../01_im2col/*.ipynb` next to the current notebook's folder (a
kernel's working directory is its notebook's folder), runs that notebook's
answer cells and its import cells in a fresh namespace (never its tests or
figures), and returns the functions you asked for, in order.

Assignments are graded one at a time: only while grading (the grader sets the
environment variable CNN_COURSE_REFERENCES to the function that provides its
reference versions) and only when the earlier notebook is not there at all,
those reference versions stand in for yours.
"""

import ast
import builtins
import importlib
import linecache
import os
import re
from pathlib import Path

REFERENCES_VARIABLE = "CNN_COURSE_REFERENCES"


class NotebookImportError(RuntimeError):
    """Your earlier notebook is missing or unfinished; the message says what to do."""


def _topic(assignment):
    """'01_im2col' -> 'im2col': the notebook's name and the grader's module name."""
    return re.sub(r"^\d+_", "", assignment)


def _find_notebook(folder, assignment):
    """The notebook named after the topic, else the folder's only notebook, else None."""
    named = folder / f"{_topic(assignment)}.ipynb"
    if named.is_file():
        return named
    found = sorted(folder.glob("*.ipynb"))
    if len(found) > 1:
        listed = ", ".join(p.name for p in found)
        raise NotebookImportError(f"../{assignment}/ holds several notebooks ({listed}) and none "
                                  f"is called {named.name} — rename yours to {named.name}")
    return found[0] if found else None


def _references(assignment, names):
    """The grader's reference versions, from the provider that REFERENCES_VARIABLE names
    ("module:function", called with the assignment and the names). The toolkit never
    names the grader: the grader sets the variable for the kernels it starts."""
    module, _, attribute = os.environ[REFERENCES_VARIABLE].partition(":")
    try:
        functions = getattr(importlib.import_module(module), attribute)(assignment, names)
    except (ImportError, AttributeError) as error:
        raise NotebookImportError(f"no ../{assignment} notebook and no reference versions of "
                                  f"{', '.join(names)} ({type(error).__name__}: {error})") from None
    print(f"grading: no ../{assignment} notebook here, so {', '.join(names)} are the "
          "reference versions (each assignment is graded on its own)")
    return [_mark(fn, assignment) for fn in functions]


LOADED = "__cnn_loaded_from__"


def _mark(fn, assignment):
    """Tag a function as loaded from an earlier notebook: the grader may put its reference in
    place of such a name, never in place of a helper of the same name that the student wrote."""
    try:
        setattr(fn, LOADED, assignment)
    except (AttributeError, TypeError):
        pass
    return fn


def _is_loader_statement(node):
    """`a, b = load_functions(...)`: an earlier notebook's own loading of its dependencies."""
    if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
        return False
    called = node.value.func
    return (called.id if isinstance(called, ast.Name) else getattr(called, "attr", None)) \
        == "load_functions"


def _is_import_cell(tree):
    """A cell of imports only (and loads of earlier notebooks): no tests, no figures."""
    return bool(tree.body) and all(
        isinstance(node, (ast.Import, ast.ImportFrom)) or _is_loader_statement(node)
        for node in tree.body)


def _defined_functions(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _is_definitions_cell(tree):
    """Function definitions (and imports) only: what an answer cell holds."""
    return bool(_defined_functions(tree)) and all(
        isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom)) for node in tree.body)


def _is_stub(function):
    """True when the body still raises NotImplementedError unconditionally (the stub)."""
    for node in function.body:
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if getattr(exc, "id", None) == "NotImplementedError":
                return True
    return False


def grading_metadata(cell):
    """A cell's nbgrader metadata, {} when it has none or it is not a mapping."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _cells_to_run(nb, shown):
    """[(label, code, tree)] of the answer cells and import cells, in notebook order.

    Answer cells are the nbgrader "Autograded answer" cells; in a notebook without
    nbgrader metadata (a solutions/ copy) they are the cells of function definitions
    only (a figure cell that defines a helper and calls it is not one).
    """
    has_answers = any(grading_metadata(c).get("solution") for c in nb.cells)
    chosen = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = grading_metadata(cell)
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as error:
            if meta.get("solution"):
                raise NotebookImportError(
                    f"answer cell {meta.get('grade_id', index)!r} of {shown} has a syntax error "
                    f"(line {error.lineno}: {error.msg}) — fix it there first") from None
            continue
        if meta.get("grade"):
            continue
        answer = meta.get("solution") if has_answers else _is_definitions_cell(tree)
        if answer or _is_import_cell(tree):
            chosen.append((meta.get("grade_id", f"cell {index}"), cell.source, tree))
    return chosen


def _load(path, assignment, names):
    # imported here: a notebook graded on its own never reads another one, and nbformat's
    # import costs it a second or more
    import nbformat

    shown = f"../{assignment}/{path.name}"
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:
        raise NotebookImportError(f"cannot read {shown} ({type(error).__name__}: {error}) — "
                                  "open it in JupyterLab and save it again") from None
    cells = _cells_to_run(nb, shown)
    definitions = {}
    for _, _, tree in cells:
        definitions.update(_defined_functions(tree))
    for name in names:
        if name not in definitions:
            raise NotebookImportError(f"{shown} defines no function {name} in its answer cells — "
                                      f"restore its answer cell in {assignment}")
        if _is_stub(definitions[name]):
            raise NotebookImportError(f"finish {name} in {assignment} first "
                                      "(its tests should pass)")
    namespace = {"__name__": f"{assignment}_notebook", "__builtins__": builtins}
    for label, code, _ in cells:
        try:
            filename = f"<{shown}, cell {label}>"
            # a crash message can then quote the line of the earlier notebook, as IPython does
            linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
            exec(compile(code, filename, "exec"), namespace)
        except NotebookImportError:
            raise
        except Exception as error:
            raise NotebookImportError(f"running cell {label} of {shown} raised "
                                      f"{type(error).__name__}: {error} — fix it in {assignment} "
                                      "(answer cells should only define functions)") from None
    return [_mark(namespace[name], assignment) for name in names]


def load_functions(assignment, *names):
    """Your own functions `names` from the notebook of an earlier `assignment`, in order.

    Inputs:
    - assignment: the earlier assignment's folder name, e.g. "01_im2col"
    - names: the functions to return, e.g. "im2col", "col2im"

    Returns:
    - a list of functions, one per name (unpack it: `a, b = load_functions(...)`)

    Raises NotebookImportError, with one line that says what to do, when the
    notebook is missing, or a function is missing or still a stub.
    """
    if not names:
        raise TypeError("load_functions needs at least one function name")
    here = Path(os.getcwd())
    folder = here.parent / assignment
    path = _find_notebook(folder, assignment) if folder.is_dir() else None
    if path is None:
        if os.environ.get(REFERENCES_VARIABLE):
            return _references(assignment, names)
        raise NotebookImportError(
            f"{here.name} needs your {assignment} notebook at "
            f"../{assignment}/{_topic(assignment)}.ipynb — keep the course folders side by side")
    return _load(path, assignment, names)
