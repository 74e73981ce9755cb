"""`cnn-course grade ASSIGNMENT` and `cnn-course check NOTEBOOK`: orchestration.

Per submission (N at once, --jobs): restore the test cells from the release
(flag edited-tests), make a private folder with the notebook, the harness and
the hidden inputs, run it in the sandbox (autograder.grading.sandbox), and score the
returned values in this process (autograder.grading.trusted). A function that calls
another one graded in the same assignment (im2col calls conv_output_size, train
calls sgd_momentum_update) is called in the same sandbox's second stage, once the
first stage's results are sealed: only then are the references of
autograder.references.callees sent in, so the student's own conv_output_size bug does
not cost im2col points too, and nothing it could read there answers what it is asked.
Then, from this one process: fill the gradebook, write the report
(autograder.grading.report).
"""

import ast
import copy
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from . import intake, sandbox, stream, trusted
from ..course_root import CourseError, assignments, load_config
from ..notebook import grade_ids, nbgrader_meta, topic
from .job import CALLS, EXECUTED, HARNESS_FILES, INPUTS, JOB_FILE, LIB, pack_files



@dataclass
class Row:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    flags: dict = field(default_factory=dict)
    notebooks: dict = field(default_factory=dict)   # {name: evaluate() result}
    executed: dict = field(default_factory=dict)    # {name: executed notebook, or None}
    seconds: float = 0.0


def restore_tests(student_nb, release_nb, test_ids):
    """(notebook with the released test cells, [edited or deleted grade_ids])."""
    nb = copy.deepcopy(student_nb)
    release_cells = {nbgrader_meta(c).get("grade_id"): c for c in release_nb.cells
                     if nbgrader_meta(c).get("grade_id")}
    seen, edited, cells = set(), [], []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if gid in test_ids and gid not in seen and cell.cell_type == "code":
            seen.add(gid)
            if cell.source.strip() != release_cells[gid].source.strip() or not meta.get("grade"):
                edited.append(gid)
            cells.append(copy.deepcopy(release_cells[gid]))
            continue
        if meta.get("grade") or gid in seen or gid in test_ids:
            cell.metadata.pop("nbgrader", None)   # a look-alike or duplicate test cell
        cells.append(cell)
    order = [nbgrader_meta(c).get("grade_id") for c in release_nb.cells]
    for gid in [g for g in order if g in test_ids and g not in seen]:
        edited.append(gid)
        before = {g for g in order[:order.index(gid)] if g}   # graded cells, not every cell
        position = 0
        for i, cell in enumerate(cells):
            if nbgrader_meta(cell).get("grade_id") in before:
                position = i + 1
        cells.insert(position, copy.deepcopy(release_cells[gid]))
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = cells
    return nb, sorted(set(edited))


def loaded_assignments(notebooks):
    """{earlier assignment: {function names}} of the `load_functions("01_im2col", ...)` calls."""
    found = {}
    for nb in notebooks:
        for cell in nb.cells if nb is not None else []:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                called = getattr(node, "func", None)
                name = getattr(called, "id", None) or getattr(called, "attr", None)
                if isinstance(node, ast.Call) and name == "load_functions" and node.args and all(
                        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args):
                    assignment, *names = [a.value for a in node.args]
                    found.setdefault(assignment, set()).update(names)
    return found


def _local_imports(path, package):
    """`path` and the files of `package` it imports relatively, transitively (with __init__s)."""
    found, todo = set(), [Path(path)]
    while todo:
        current = todo.pop()
        if current in found or not current.is_file():
            continue
        found.add(current)
        folder = current.parent
        while folder != package.parent:
            todo.append(folder / "__init__.py")
            folder = folder.parent
        for node in ast.walk(ast.parse(current.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = current.parent
                for _ in range(node.level - 1):
                    base = base.parent
                parts = node.module.split(".") if node.module else []
                target = base.joinpath(*parts)
                todo += [target.with_suffix(".py"), target / "__init__.py"]
                todo += [target / f"{alias.name}.py" for alias in node.names]
    return found


def reference_files(spec):
    """The files of the `autograder` package a sandboxed run of `spec` may import.

    While grading, course.notebook_import gives an assignment that loads earlier
    notebooks (02, 06) the reference versions of those functions: from
    autograder.references.layers and autograder.checks.<earlier topic>. Only those
    modules (and what they import) are bound into the sandbox; the graded
    assignment's own checks, and reference_layers when it holds a function graded
    here, stay hidden (the fallback then takes autograder.checks.<topic>.ref_*).
    """
    from ..references.layers import LAYERS
    loaded = loaded_assignments(spec.release.values())
    if not loaded:
        return []
    package = Path(__file__).resolve().parents[1]
    own = set(spec.functions) | {fn for c in spec.cells.values() for fn, _ in c.hidden_calls}
    wanted = [package / "checks" / f"{topic(a)}.py" for a in loaded if a != spec.assignment]
    wanted.append(package / "checks" / "fallback.py")
    if not own & set(LAYERS):
        wanted.append(package / "references" / "layers.py")
    files = set()
    for path in wanted:
        files |= _local_imports(path, package)
    files.discard(package / "checks" / f"{topic(spec.assignment)}.py")
    files.discard(package / "references" / "callees" / f"{topic(spec.assignment)}.py")
    if own & set(LAYERS):
        files.discard(package / "references" / "layers.py")
    return sorted(files)


def dependency_files(spec):
    """The files the second stage may import besides the first stage's:
    autograder.references.callees.<topic> (references of the functions that other graded
    functions of this assignment call), with its imports."""
    package = Path(__file__).resolve().parents[1]
    path = package / "references" / "callees" / f"{topic(spec.assignment)}.py"
    files = _local_imports(path, package) if path.exists() else set()
    assert package / "checks" / f"{topic(spec.assignment)}.py" not in files
    return sorted(files)


def substitutes(spec, files):
    """{function: {name it calls: (module, attribute)}}: the references in `uses` that a sandbox
    exposing `files` can import. A recording stand-in is replaced by the reference it wraps."""
    files = {Path(f).resolve() for f in files}
    found = {}
    for fn, check in spec.checks.items():
        for name, used in check.uses.items():
            target = getattr(used, "__wrapped__", used)
            module = sys.modules.get(getattr(target, "__module__", None))
            path = getattr(module, "__file__", None)
            if path and Path(path).resolve() in files and getattr(module, target.__name__, None) is target:
                found.setdefault(fn, {})[name] = (module.__name__, target.__name__)
    return found


@dataclass
class Runs:
    """What the two stages of a notebook's run may import, and which functions each calls."""
    first_files: list
    second_files: list
    first_substitutes: dict
    second_substitutes: dict
    second: list           # the functions called in the second stage; the rest in the first


def plan_runs(spec):
    """Two stages per notebook when a function calls another one graded here: the first
    returns every other function's results; only then may the second see the references."""
    first_files = reference_files(spec)
    second_files = sorted(set(first_files) | set(dependency_files(spec)))
    first, second = substitutes(spec, first_files), substitutes(spec, second_files)
    return Runs(first_files, second_files, first, second,
                [fn for fn in spec.functions if second.get(fn, {}) != first.get(fn, {})])


def second_stage_references(runs):
    """The files the second stage imports, packed (job.pack_files) under their paths beside
    the `autograder` package; nothing when no function calls another one graded here."""
    if not runs.second:
        return b""
    package = sandbox.grader_package()
    return pack_files({str(Path(path).resolve().relative_to(package.parent)): Path(path).read_bytes()
                       for path in runs.second_files})


class Grader:
    def __init__(self, root, assignment, jobs=None, use_sandbox=True, limits=None, hide=(),
                 log=print, remote=None):
        """remote: a cluster.Remote that runs the sandboxes instead of this machine."""
        self.root, self.assignment = Path(root).resolve(), assignment
        self.spec = trusted.load_spec(self.root, assignment)
        if not self.spec.cells:
            raise CourseError(f"source/{assignment} has no graded test cells")
        missing = [n for n, nb in self.spec.release.items() if nb is None]
        if missing:
            raise CourseError(f"release/{assignment}/{missing[0]} is missing — "
                              f"run `cnn-course build {assignment}` first")
        # use_sandbox: True (bwrap), sandbox.SETPRIV (a container without namespaces) or False
        self.isolation = (sandbox.BWRAP if use_sandbox is True else
                          sandbox.SETPRIV if use_sandbox == sandbox.SETPRIV else None)
        self.limits, self.log = limits or sandbox.Limits(), log
        self.remote = remote
        if remote is None:    # a cluster's workers check their own isolation
            if self.isolation == sandbox.BWRAP:
                sandbox.require_bwrap()
            elif self.isolation == sandbox.SETPRIV:
                sandbox.require_setpriv()
            else:
                log(sandbox.UNSAFE)
        self.jobs = remote.threads if remote else max(1, jobs or os.cpu_count() or 1)
        self.work = Path(tempfile.mkdtemp(prefix="cnn-grade-"))
        os.chmod(self.work, 0o711)
        # off limits to the notebook: hidden by bwrap, and an open of them is noted and refused
        self.off_limits = [self.root, *sandbox.grader_files(), *map(Path, hide)]
        self.hide = [*self.off_limits, self.work]
        self.inputs = trusted.write_inputs(self.spec, self.work / INPUTS)
        self.runs = plan_runs(self.spec)
        self.second_stage = second_stage_references(self.runs)
        self.slots = queue.Queue()
        # a cluster's workers lease their own
        leased, self._slot_locks = ([], []) if remote else sandbox.lease_slots(self.jobs)
        for slot in leased:
            self.slots.put(slot)
        self._counter, self._lock = 0, threading.Lock()

    def expected(self):
        return {name: grade_ids(nb) for name, nb in self.spec.source.items()}

    def others(self):
        found = {}
        for folder in sorted((self.root / "source").iterdir()):
            if folder.is_dir() and folder.name != self.assignment:
                for path in folder.glob("*.ipynb"):
                    try:
                        found[(folder.name, path.name)] = grade_ids(
                            nbformat.read(path, as_version=4))
                    except Exception:  # noqa: BLE001 - another helper's notebook mid-edit
                        pass
        return found

    def collect(self, submissions=None):
        return intake.collect(self.root, self.assignment, self.expected(), self.others(),
                              submissions, self.work)

    def grade_all(self, subs, progress=False):
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = [pool.submit(self.grade_one, sub) for sub in subs]
            for _ in tqdm(as_completed(futures), total=len(futures), unit="submission",
                          disable=not progress, file=sys.stderr):
                pass
            return [future.result() for future in futures]

    def grade_one(self, sub):
        """One student's Row. Whatever goes wrong while grading it becomes its flag."""
        row = Row(sub.student, max_score=self.spec.max_score, flags=dict(sub.flags))
        for name in self.spec.source:
            nb = sub.notebooks.get(name)
            if nb is None:
                continue
            try:
                result, executed = self._run(sub.student, name, nb)
            except Exception as error:  # noqa: BLE001 - one student never stops the batch
                row.flags["grader-error"] = f"{type(error).__name__}: {str(error)[:300]}"
                self.log(f"{sub.student}: grader error while grading {name}: "
                         f"{type(error).__name__}: {str(error)[:300]}")
                continue
            row.notebooks[name], row.executed[name] = result, executed
            row.flags.update(result["flags"])
            row.seconds += result.get("seconds") or 0
        row.score = sum(c["score"] for r in row.notebooks.values() for c in r["cells"].values())
        return row

    def _run(self, student, name, nb):
        test_ids = self._test_ids(name)
        restored, edited = restore_tests(nb, self.spec.release[name], test_ids)
        outcome = (self.remote or self.sandboxed)(name, restored)
        bundle = stream.parse(outcome.results)
        if self.runs.second:
            # the second stage's functions count from after the seal alone, and only they do
            bundle.take(bundle.later, tuple(f"{CALLS}/{fn}/" for fn in self.runs.second))
        # the student's code: cells as given in the release (imports, figures) are the course's
        given = self._given(name, test_ids)
        code = [c.source for c in nb.cells if c.cell_type == "code"
                and nbgrader_meta(c).get("grade_id") not in test_ids
                and c.source.strip() not in given]
        result = trusted.evaluate(self.spec, name, bundle, outcome, code)
        if edited:
            result["flags"]["edited-tests"] = ("test cells changed or deleted, restored from the "
                                               "release: " + ", ".join(edited))
        return result, executed_notebook(bundle)

    def _test_ids(self, name):
        return {g for g, c in self.spec.cells.items() if c.notebook == name}

    def _given(self, name, test_ids):
        """The release's code cells other than the tests, stripped: the course's own code."""
        return {c.source.strip() for c in self.spec.release[name].cells if c.cell_type == "code"
                and nbgrader_meta(c).get("grade_id") not in test_ids}

    def sandboxed(self, name, restored):
        """The sandbox.Outcome of notebook `name` (test cells already restored) run in a
        sandbox of this machine, on a fresh job folder; a Dask worker calls this too."""
        test_ids = self._test_ids(name)
        with self._lock:
            self._counter += 1
            job = self.work / "jobs" / f"{self._counter:04d}"
        runs = self.runs
        spec = {"notebook": "submission.ipynb", "test_cells": sorted(test_ids),
                "cases": self.inputs, "course_cells": sorted(self._given(name, test_ids)),
                "cell_timeout": self.limits.cell, "call_timeout": self.limits.call,
                "calls_timeout": max(10, int(self.limits.wall / 2)),
                "functions": self.spec.functions, "forbidden": list(trusted.FORBIDDEN),
                "course_package": str(sandbox.student_package()),
                "quota_paths": [sandbox.WORK, "/tmp"] if self.isolation == sandbox.BWRAP else [],
                "off_limits": [str(p.resolve()) for p in self.off_limits],
                "calls": [fn for fn in self.spec.functions if fn not in runs.second],
                "substitutes": runs.first_substitutes, "second": runs.second,
                "second_substitutes": runs.second_substitutes}
        slot = self.slots.get()
        try:
            self._job_folder(job / "run", restored, spec, runs.first_files)
            work = None
            if self.isolation != sandbox.BWRAP:
                work = job / "run-work"
                work.mkdir()
            return sandbox.run(job / "run", self.limits, self.second_stage, self.hide, slot,
                               self.isolation, work)
        finally:
            self.slots.put(slot)
            if not os.environ.get("CNN_GRADE_KEEP"):
                shutil.rmtree(job, ignore_errors=True)

    def _job_folder(self, job, notebook, spec, expose):
        """A sandbox's folder (read-only to it): the notebook, the harness, the hidden inputs,
        job.json, the release's data files in files/, matplotlib's font list in .mpl/ and the
        references it may import (`expose`) in lib/. All of it is readable by the sandbox's
        uid, whatever the modes of what it was copied from (a Gradescope container keeps the
        grader's package root's alone)."""
        job.mkdir(parents=True)
        os.chmod(job.parent, 0o711)
        (job / "files").mkdir()
        for extra in (self.root / "release" / self.assignment).iterdir():
            if extra.is_file() and extra.suffix != ".ipynb":
                shutil.copy(extra, job / "files" / extra.name)
        nbformat.write(notebook, job / "submission.ipynb")
        for name in HARNESS_FILES:
            shutil.copy(Path(__file__).with_name(name), job / name)
        shutil.copytree(self.work / INPUTS, job / INPUTS)
        self._font_cache(job / ".mpl")
        (job / JOB_FILE).write_text(json.dumps(spec))
        package = sandbox.grader_package()
        for path in expose:
            target = job / LIB / Path(path).resolve().relative_to(package.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        for path in [job, *job.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)

    @staticmethod
    def _font_cache(target):
        """Matplotlib's font list, so the sandbox does not rebuild it (seconds) every time."""
        target.mkdir(exist_ok=True)
        try:
            import matplotlib
            from matplotlib import font_manager  # noqa: F401 - builds the cache if missing
            for path in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
                shutil.copy(path, target / path.name)
        except Exception:  # noqa: BLE001 - only a speed-up
            pass

    def cleanup(self):
        for lock in self._slot_locks:
            lock.close()
        if os.environ.get("CNN_GRADE_KEEP"):
            self.log(f"kept {self.work}")
            return
        shutil.rmtree(self.work, ignore_errors=True)


MAX_EXECUTED_MB = 64


def executed_notebook(bundle):
    """The executed notebook the run sent back, checked like a submission, or None."""
    data = bundle.records.get(EXECUTED)
    if data is None:
        return None
    try:
        stream.loads(data, max_bytes=MAX_EXECUTED_MB * 2 ** 20)   # the size and depth checks
        nb = nbformat.reads(data.decode(), as_version=4)
        nbformat.validate(nb)
        if intake.metadata_problem(nb):
            return None
    except Exception:  # noqa: BLE001 - a damaged notebook is no notebook
        return None
    return nb


def register(root, assignment):
    """Put `assignment` and its graded cells into nbgrader's gradebook, as
    `nbgrader generate_assignment` does, writing its release copy to a scratch folder (the
    course's release/ is `cnn-course build`'s)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    with tempfile.TemporaryDirectory(prefix="cnn-register-") as scratch:
        config = load_config(root)
        config.CourseDirectory.release_directory = scratch
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result = api.generate_assignment(assignment, force=True)
    if not result["success"]:
        raise CourseError(f"source/{assignment}: nbgrader generate_assignment failed — run "
                          f"`nbgrader generate_assignment {assignment} --force` to see why")


def fill_gradebook(root, assignment, spec, rows, log=print):
    """Write the trusted scores into nbgrader's gradebook (from this one process)."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory
    warnings.filterwarnings("ignore", message=".*not in session")
    config = load_config(root)
    coursedir = CourseDirectory(config=config)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            known = True
        except MissingEntry:
            known = False
    if not known:
        log(f"{assignment} is not in the gradebook yet: registering it from source/{assignment}")
        register(root, assignment)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for row in rows:
            try:
                _gradebook_row(gb, root, assignment, row)
                gb.db.commit()
            except Exception as error:  # noqa: BLE001 - one student never stops the batch
                gb.db.rollback()
                row.flags["grader-error"] = (f"the gradebook step failed: {type(error).__name__}: "
                                             f"{str(error)[:200]}")
                log(f"{row.student}: {row.flags['grader-error']}")


def _gradebook_row(gb, root, assignment, row):
    gb.update_or_create_student(row.student)
    gb.update_or_create_submission(assignment, row.student)
    for name, result in row.notebooks.items():
        stem = Path(name).stem
        for gid, cell in result["cells"].items():
            grade = gb.find_grade(gid, stem, assignment, row.student)
            grade.auto_score = cell["score"]
            # nbgrader's default: the formgrader would list every cell as awaiting a person
            grade.needs_manual_grade = False
        notebook = gb.find_submission_notebook(stem, assignment, row.student)
        notebook.flagged = bool(row.flags)
        if row.executed.get(name) is not None:
            target = Path(root) / "autograded" / intake.folder_name(row.student) / assignment / name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(row.executed[name], target)


def grade(root, assignment, submissions=None, out=None, jobs=None, use_sandbox=True,
          limits=None, gradebook=True, hide=(), log=print, remote=None, progress=False):
    """Grade every submission of `assignment`; returns the rows (see report.write).
    hide: more folders the notebooks may not see (besides the course, the grader, `out`
    and `submissions`); remote: a cluster.Remote whose workers run the sandboxes (see
    cluster.grade_on_cluster); progress: a progress bar on stderr."""
    from . import report
    root = Path(root).resolve()
    if assignment not in assignments(load_config(root)) and not (root / "source" / assignment).is_dir():
        raise CourseError(f"unknown assignment {assignment!r} — not in source/")
    out = Path(out) if out else root / "grades" / assignment
    out.mkdir(parents=True, exist_ok=True)
    hide = [out, *([submissions] if submissions else []), *hide]
    grader = Grader(root, assignment, jobs, use_sandbox, limits, hide, log, remote)
    try:
        subs = grader.collect(submissions)
        if not subs:
            log(f"no submissions of {assignment} found")
        where = f"on the Dask cluster at {remote.address}" if remote else f"with {grader.jobs} job(s)"
        log(f"grading {len(subs)} submission(s) of {assignment} {where}"
            + {sandbox.BWRAP: "", sandbox.SETPRIV: " as an unprivileged uid (no bwrap)"}.get(
                grader.isolation, " WITHOUT a sandbox"))
        rows = grader.grade_all(subs, progress)
        if gradebook:
            fill_gradebook(root, assignment, grader.spec, rows, log=log)
        report.write(out, grader.spec, rows, log=log)
        return rows
    finally:
        grader.cleanup()


def find_assignment(root, nb):
    """The assignment and notebook name whose cells `nb` carries."""
    ids = grade_ids(nb)
    best = None
    for folder in sorted((Path(root) / "source").iterdir()):
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            try:
                overlap = len(ids & grade_ids(nbformat.read(path, as_version=4)))
            except Exception:  # noqa: BLE001
                continue
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, folder.name, path.name)
    if best is None:
        raise CourseError("this notebook has no graded cells of any assignment of the course")
    return best[1], best[2]


def check(notebook, root=None, use_sandbox=True, limits=None, log=print):
    """Run the hidden checks on one notebook; returns (all passed, table text)."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise CourseError(f"{notebook}: no such notebook")
    nb, flags = intake.read_notebook(notebook)
    if nb is None:
        raise CourseError(next(iter(flags.values())))
    if root is None:
        from ..course_root import find_root
        try:
            root = find_root()
        except CourseError:
            root = sandbox.package_repo()
    assignment, name = find_assignment(root, nb)
    grader = Grader(root, assignment, 1, use_sandbox, limits, [notebook.parent], log)
    try:
        sub = intake.Submission("you", {name: nb}, flags)
        row = grader.grade_one(sub)
    finally:
        grader.cleanup()
    from .report import check_table
    ok, table = check_table(grader.spec, row)
    earlier = {a: sorted(fns) for a, fns in loaded_assignments([nb]).items() if a != assignment}
    for other, functions in sorted(earlier.items()):
        table += (f"\nnote: these checks ran with the reference versions of {other}'s "
                  f"{', '.join(functions)}, not yours: your own are checked with {other}'s notebook")
    table += "\nmode: the hidden checks, as in grading (the course repository)"
    return ok, table
