"""Finding each student's notebook, and refusing bad input with a reason instead of crashing.

Sources: nbgrader's submitted/<student>/<assignment>/ (default), or a folder
holding <student>/<notebook>.ipynb (any depth below the student's folder) or
<student>.ipynb, or a .zip of either.

Every problem becomes a flag with an explanation on that student's row:
malformed-notebook (empty, not JSON, not nbformat 4, invalid), giant-output
(outputs removed before grading), missing-notebook (no notebook at all),
wrong-assignment (a notebook of another assignment), renamed-notebook (graded
under its expected name).
"""

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import stream
from ..notebook import grade_ids

MAX_NOTEBOOK_MB = 200      # larger files are refused outright
GIANT_OUTPUT_MB = 5        # larger notebooks have their outputs removed (and are flagged)
MAX_ZIP_MB = 2000


@dataclass
class Submission:
    student: str
    notebooks: dict = field(default_factory=dict)   # {expected name: nbformat notebook}
    flags: dict = field(default_factory=dict)       # {flag: explanation}


def metadata_problem(nb):
    """What is wrong with a notebook's nbgrader metadata (nbformat does not check it), or ""."""
    for index, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        if not isinstance(meta, dict):
            return f"cell {index} has metadata that is not a mapping"
        if "nbgrader" not in meta:
            continue
        grader = meta["nbgrader"]
        if not isinstance(grader, dict):
            return f"cell {index} has nbgrader metadata that is not a mapping ({type(grader).__name__})"
        if "grade_id" in grader and not isinstance(grader["grade_id"], str):
            return f"cell {index} has a grade_id that is not text"
        if "points" in grader and (isinstance(grader["points"], bool)
                                   or not isinstance(grader["points"], (int, float))):
            return f"cell {index} has points that are not a number"
        for key in ("grade", "solution", "locked", "task"):
            if key in grader and not isinstance(grader[key], bool):
                return f"cell {index} has nbgrader {key!r} that is not true or false"
    return ""


def folder_name(student):
    """A folder name for `student`: the name itself when it is a plain file name, else a
    cleaned name with a hash of the whole name, so that two students never share a folder
    (`张伟` stays `张伟`; `jo hn` becomes `jo_hn-<hash>`, apart from `jo_hn`)."""
    student = str(student)
    plain = (student and student not in (".", "..") and not student.startswith(".")
             and len(student.encode()) <= 200 and all(c.isprintable() for c in student)
             and not re.search(r"[\\/\s:*?\"<>|]", student))
    if plain:
        return student
    cleaned = re.sub(r"[^\w.@-]", "_", student).lstrip(".")[:60] or "student"
    return f"{cleaned}-{hashlib.sha256(student.encode(errors='surrogatepass')).hexdigest()[:10]}"


def read_notebook(path):
    """(notebook or None, {flag: explanation}). The file is read as a regular file only (never
    through a link, never waiting on a FIFO), and refused when too large or nested too deeply."""
    path = Path(path)
    try:
        raw = stream.read_regular(path, MAX_NOTEBOOK_MB * 2 ** 20)
    except stream.BadData as error:
        return None, {"malformed-notebook": f"{path.name} {error}"}
    size = len(raw)
    if size == 0:
        return None, {"malformed-notebook": f"{path.name} is an empty file"}
    try:
        data = stream.loads(raw, max_bytes=MAX_NOTEBOOK_MB * 2 ** 20)
    except stream.BadData as error:
        return None, {"malformed-notebook": f"{path.name} is {error}"}
    if not isinstance(data, dict) or "cells" not in data:
        return None, {"malformed-notebook": f"{path.name} is JSON but not a notebook"}
    if data.get("nbformat") != 4:
        return None, {"malformed-notebook": f"{path.name} is nbformat {data.get('nbformat')!r}; "
                                            "save it with Jupyter (nbformat 4)"}
    flags = {}
    if size > GIANT_OUTPUT_MB * 2 ** 20:
        for cell in data.get("cells", []):
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        flags["giant-output"] = (f"{path.name} is {size / 2 ** 20:.0f} MB; its outputs were "
                                 "removed before grading")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any invalid structure
        return None, {"malformed-notebook": f"{path.name} is not a valid notebook "
                                            f"({type(error).__name__}: {str(error)[:80]})"}
    problem = metadata_problem(nb)
    if problem:
        return None, {"malformed-notebook": f"{path.name} is not a valid notebook: {problem}"}
    return nb, flags


def _student_folders(folder):
    """({student: [notebook paths]}, loose) from a folder of <student>/... or <student>.ipynb;
    loose holds the <student>.ipynb files: their name is the student's, not a rename."""
    found, loose = {}, set()
    entries = sorted(p for p in Path(folder).iterdir() if not p.name.startswith((".", "__MACOSX")))
    if len(entries) == 1 and entries[0].is_dir() and not any(entries[0].glob("*.ipynb")) \
            and all(p.is_dir() for p in entries[0].iterdir()):
        return _student_folders(entries[0])      # a zip with one top folder
    for entry in entries:
        if entry.is_dir():
            found[entry.name] = sorted(p for p in entry.rglob("*.ipynb")
                                       if ".ipynb_checkpoints" not in p.parts)
        elif entry.suffix == ".ipynb":
            found.setdefault(entry.stem, []).append(entry)
            loose.add(entry)
    return found, loose


def unzip(archive, target):
    target = Path(target)
    with zipfile.ZipFile(archive) as zf:
        total = 0
        for info in zf.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts or info.is_dir():
                continue
            total += info.file_size
            if total > MAX_ZIP_MB * 2 ** 20:
                break
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(destination, "wb") as dst:
                dst.write(src.read(MAX_NOTEBOOK_MB * 2 ** 20 + 1))
    return target


def collect(root, assignment, expected, others, submissions=None, workdir=None):
    """[Submission] for every student.

    expected: {notebook name: set of grade_ids} of this assignment;
    others: {(assignment, notebook name): set of grade_ids} of the other assignments.
    """
    root = Path(root)
    loose = set()
    if submissions is None:
        base = root / "submitted"
        paths = {}
        if base.is_dir():
            for student in sorted(p for p in base.iterdir() if p.is_dir()):
                folder = student / assignment
                if folder.is_dir():
                    paths[student.name] = sorted(folder.glob("*.ipynb"))
    else:
        source = Path(submissions)
        if source.is_file() and zipfile.is_zipfile(source):
            source = unzip(source, Path(workdir) / "unzipped")
        paths, loose = _student_folders(source)
    found = []
    for student, files in sorted(paths.items()):
        try:
            found.append(match(student, files, expected, others, loose))
        except Exception as error:  # noqa: BLE001 - one student never stops the batch
            found.append(Submission(student, flags={"grader-error": (
                f"its submission could not be read: {type(error).__name__}: {str(error)[:200]}")}))
    return found


def match(student, files, expected, others, loose=frozenset()):
    """One student's Submission: each expected notebook found by name, else by its cells
    (`loose`: files named after the student, which are not renamed notebooks)."""
    sub = Submission(student)
    readable = []
    for path in files:
        nb, flags = read_notebook(path)
        sub.flags.update(flags)
        if nb is not None:
            readable.append((path, nb))
    for name, ids in expected.items():
        by_name = [(p, nb) for p, nb in readable if p.name == name and grade_ids(nb) & ids]
        by_cells = sorted(((p, nb) for p, nb in readable if grade_ids(nb) & ids),
                          key=lambda pn: -len(grade_ids(pn[1]) & ids))
        if by_name:
            sub.notebooks[name] = by_name[0][1]
        elif by_cells:
            sub.notebooks[name] = by_cells[0][1]
            if by_cells[0][0] in loose and len(files) == 1:
                continue
            sub.flags["renamed-notebook"] = (f"{by_cells[0][0].name} graded as {name} "
                                             "(same cells, another name)")
    if len(sub.notebooks) < len(expected):
        missing = sorted(set(expected) - set(sub.notebooks))
        wrong = [f"{p.name} is {nb_name} of {a}" for p, nb in readable
                 for (a, nb_name), ids in others.items() if grade_ids(nb) & ids]
        if wrong:
            sub.flags["wrong-assignment"] = "; ".join(wrong)
        if not files:
            sub.flags["missing-notebook"] = "no notebook in the submission"
        elif "malformed-notebook" not in sub.flags or readable:
            sub.flags["missing-notebook"] = "no notebook matching " + ", ".join(missing)
    return sub
