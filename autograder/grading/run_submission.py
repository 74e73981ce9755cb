"""The program that runs INSIDE the sandbox, on one submission.

It is started as `python JOB/run_submission.py JOB WORK [--calls]`: JOB is
the grader's folder for this run, read-only (the notebook, job.json, the hidden
inputs, this file), WORK a private, size-limited tmpfs that is its only
writable place and its working folder (autograder.grading.sandbox places both). It imports nothing from the course
except what a student may see (NumPy, nbformat, nbclient): the references,
the hidden checks and the gradebook are not in view.

JOB/job.json says what to do (written by autograder.grading.grade):

- phase A (kernel): execute the notebook (test cells already restored to
  their released, visible-only form) with nbclient. Around every test cell the
  graded functions are wrapped by a recorder that saves what each top-level
  call returned, in call order, to out/visible/<test cell>/<k>.json; the
  trusted process replays the visible tests on those values. The status of
  every cell goes to out/kernel.json, the executed notebook to
  out/executed.ipynb.
- phase B (calls): in a fresh process, execute the notebook's non-test code
  cells up to the last test cell in one namespace, then call every graded
  function of job["calls"] on every hidden case (inputs in JOB/inputs, plain
  .npy + JSON) and save each result to out/calls/<function>/<i>.json (+ .npy
  files). During a function's cases the names in job["substitutes"][function]
  are the importable references it calls; a case with a "log" records its
  calls of those names to <i>.log.json. The modules first imported while
  running the student's code (a cell that is not one of the release's given
  cells, job["course_cells"], or a hidden call) go to out/calls_status.json:
  what the course's own cells import (sklearn for a figure or the digits) is
  not the student's doing.
- the second stage: the functions of job["second"] call another one graded
  here, and are called with references in its place (job["second_substitutes"]).
  Those references must not be readable while the first stage's functions are
  being answered. So phase B tells the harness when the first stage is done; the
  harness sends every record so far and the SEAL record (job.py), and only then
  does the grader write the references to this program's --refs-fd, which phase B
  reads, imports and calls the second stage's functions with, in the same
  namespace: the notebook's cells run once. The grader takes only those
  functions' results from after the seal.

What goes back: nothing the host reads is a file here. Every regular file under
WORK/out is sent as one stream of records (write_records) on the
stream descriptor, a pipe the grader reads with limits (autograder.grading.stream). An
audit hook installed before the student's code (phase B) writes every import of
a module that does the work, and every open of the grader's own files, to a second
pipe at the moment it happens, and blocks it: a record the student's code cannot
take back. The same pipe carries
a note when the writable area fills up.

Values travel as JSON plus `.npy` files written and read with
allow_pickle=False: nothing that executes on load.
"""

import functools
import importlib
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

try:
    from .job import (AUDIT_TAG, CALLS, CALLS_STATUS, CALLS_TIMEOUT, EXECUTED, INPUTS, JOB_FILE,
                      KERNEL_STATUS, MAX_RECORD_BYTES, OUT, RECORDS_MAGIC, SEAL, SECOND_LIB, VISIBLE,
                      decode, encode, error_record, folder_loader, fresh_input, record,
                      replaceable, unpack_files)
except ImportError:   # run as a script in the sandbox: job.py sits beside this file
    from job import (AUDIT_TAG, CALLS, CALLS_STATUS, CALLS_TIMEOUT, EXECUTED, INPUTS, JOB_FILE,
                     KERNEL_STATUS, MAX_RECORD_BYTES, OUT, RECORDS_MAGIC, SEAL, SECOND_LIB, VISIBLE,
                     decode, encode, error_record, folder_loader, fresh_input, record,
                     replaceable, unpack_files)

MAX_TEXT = 20_000          # characters kept per text output in the executed notebook
MAX_OUTPUTS_BYTES = 2_000_000


def _write_json(path, data):
    _write_file(path, json.dumps(data))


def _write_file(path, text):
    """Write by a fresh temporary name, then rename: whatever the student's code left at `path`
    (a FIFO, a link, a folder) is replaced or refused, never written through or waited on."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        file.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- phase A

def _array_arguments(args, kwargs, copy=True):
    """{position or keyword: array} for the array arguments of a call, copied by default.

    A function that writes into its arguments changes what the rest of a visible
    test computes; the replay needs those writes to see what the notebook saw."""
    named = {str(i): a for i, a in enumerate(args)}
    named.update(kwargs)
    return {key: (np.array(a) if copy else a) for key, a in named.items()
            if isinstance(a, np.ndarray) and a.dtype != object}


def _same(before, now):
    return before.shape == now.shape and before.dtype == now.dtype and np.array_equal(
        before, now, equal_nan=before.dtype.kind in "fc")


class Recorder:
    """Wraps the graded functions during one test cell; saves each top-level result."""

    def __init__(self, outdir, names):
        self.outdir, self.names = Path(outdir), list(names)
        self.cell, self.ns, self.saved, self.k, self.depth = None, None, {}, 0, 0

    def begin(self, cell, ns):
        self.cell, self.ns, self.k, self.depth, self.saved = cell, ns, 0, 0, {}
        for name in self.names:
            fn = ns.get(name)
            if callable(fn):
                self.saved[name] = fn
                ns[name] = self._wrap(name, fn)

    def _wrap(self, name, fn):
        @functools.wraps(fn)   # a crash message names the student's function, not this wrapper
        def recorded(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            k, self.k = self.k, self.k + 1
            folder = self.outdir / VISIBLE / str(self.cell)
            before = _array_arguments(args, kwargs)
            self.depth += 1
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:
                _write_json(folder / f"{k}.json", {"fn": name, "value": error_record(error)})
                raise
            finally:
                self.depth -= 1
            written = {key: encode(now, folder, f"{k}_arg_{i}")
                       for i, (key, now) in enumerate(_array_arguments(args, kwargs, copy=False).items())
                       if key in before and not _same(before[key], now)}
            _write_json(folder / f"{k}.json",
                        {"fn": name, "value": encode(result, folder, f"{k}"), "written": written})
            return result
        return recorded

    def end(self):
        for name, fn in self.saved.items():
            if self.ns is not None and getattr(self.ns.get(name), "__wrapped__", None) is fn:
                self.ns[name] = fn
        self.saved = {}


def _truncate_outputs(cell):
    total, kept = 0, []
    for output in cell.get("outputs", []):
        size = len(json.dumps(output))
        if total + size > MAX_OUTPUTS_BYTES:
            kept.append({"output_type": "stream", "name": "stdout",
                         "text": "[output truncated by the grader: too large]\n"})
            break
        for key in ("text",):
            if key in output and isinstance(output[key], str) and len(output[key]) > MAX_TEXT:
                output[key] = output[key][:MAX_TEXT] + "\n[... truncated]\n"
        total += size
        kept.append(output)
    cell["outputs"] = kept


def skip_slow_optional_imports():
    """jsonschema, which nbformat imports, tries the optional rfc3987_syntax, whose import
    builds a grammar for 1.3 s; nbformat's schema never asks for the one format it checks.
    A None entry makes that import fail at once, as if it were not installed."""
    sys.modules.setdefault("rfc3987_syntax", None)


def phase_a(job_dir, work, job, audit):
    skip_slow_optional_imports()
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    out = work / OUT
    nb = nbformat.read(job_dir / job["notebook"], as_version=4)
    tests = set(job["test_cells"])
    client = NotebookClient(nb, timeout=job["cell_timeout"], kernel_name="python3",
                            allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(work)}})
    status = {"cells": {}, "errors": [], "crashed": None, "timeout": False, "memory": False}

    def hidden(code, index):
        # nbclient stores the cell it executes at `index`: put the notebook's own cell back
        cell, kept = nbformat.v4.new_code_cell(code), nb.cells[index]
        try:
            client.execute_cell(cell, index)
        finally:
            nb.cells[index] = kept
        return cell

    started = time.time()
    try:
        with client.setup_kernel():
            setup = hidden(_recorder_setup(job_dir, out, job["functions"]), 0)
            if any(o.get("output_type") == "error" for o in setup.outputs):
                status["errors"].append({"cell": -1, "ename": "setup", "evalue": str(setup.outputs)})
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                grade_id = _grade_id(cell)
                is_test = grade_id in tests
                if is_test:
                    hidden(f"__cnn_rec__.begin({grade_id!r}, globals())", index)
                cell_start = time.time()
                client.execute_cell(cell, index)
                errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                if is_test:
                    hidden("__cnn_rec__.end()", index)
                _note_errors(status, errors, index, grade_id,
                             time.time() - cell_start >= job["cell_timeout"] - 1)
                if is_test:
                    status["cells"][grade_id] = ("error:" + errors[0].get("ename", "")) if errors else "ok"
                _truncate_outputs(cell)
                audit.check_disk()
                _write_json(out / KERNEL_STATUS, status)
    except DeadKernelError as error:
        status["crashed"] = f"the kernel died ({str(error)[:200]})"
    except Exception as error:  # noqa: BLE001 - report, do not crash
        status["crashed"] = f"{type(error).__name__}: {str(error)[:300]}"
    status["seconds"] = round(time.time() - started, 2)
    for cell in nb.cells:
        if cell.cell_type == "code":
            _truncate_outputs(cell)
    _write_json(out / KERNEL_STATUS, status)
    _write_file(out / EXECUTED, nbformat.writes(nb))


def _recorder_setup(job_dir, out, functions):
    """The hidden first cell of phase A: a Recorder for the graded `functions`, from this file."""
    return ("import sys as __s\n"
            f"__s.path.insert(0, {str(job_dir)!r})\n"
            "import run_submission as __cnn_rs\n"
            "__s.path.pop(0)\n"
            f"__cnn_rec__ = __cnn_rs.Recorder({str(out)!r}, {functions!r})\n"
            "del __s, __cnn_rs\n")


def _note_errors(status, errors, index, grade_id, ran_out_of_time):
    """Add a cell's error outputs to the status: an interrupt at the time limit is a Timeout."""
    for e in errors:
        ename = e.get("ename", "")
        if ename == "KeyboardInterrupt" and ran_out_of_time:
            status["timeout"] = True
            ename = "Timeout"
        if ename == "MemoryError":
            status["memory"] = True
        status["errors"].append({"cell": index, "grade_id": grade_id, "ename": ename,
                                 "evalue": str(e.get("evalue", ""))[:300]})


def _grade_id(cell):
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta.get("grade_id") if isinstance(meta, dict) else None


# ---------------------------------------------------------------- phase B

def _strip_magics(source):
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


class CallTimeout(BaseException):
    """Raised by the alarm; a BaseException so `except Exception` in student code misses it."""


def _on_alarm(signum, frame):
    raise CallTimeout("took too long")


class Audit:
    """Notes for the grader, written to its audit pipe the moment they happen (never a file
    here, which the student's code could rewrite); a note that cannot be sent ends the run."""

    def __init__(self, fd, quota_paths=()):
        self.fd, self.quota_paths, self.full = fd, list(quota_paths), set()

    def note(self, text):
        if self.fd is None:
            return
        try:
            os.write(self.fd, b"\n" + AUDIT_TAG + text.encode(errors="replace")[:300] + b"\n")
        except OSError:
            os._exit(70)

    def check_disk(self):
        for path in self.quota_paths:
            try:
                stats = os.statvfs(path)
            except OSError:
                continue
            if path not in self.full and stats.f_bavail * stats.f_frsize < 2 ** 20:
                self.full.add(path)
                self.note(f"disk-full {path}")


def _inside(filename, folders):
    return any(filename == f or filename.startswith(f.rstrip("/") + "/") for f in folders)


# Python's audit events of starting a process: a process started from a student's function
# would run without this guard (a fresh Python imports scipy and answers for it)
PROCESS_EVENTS = frozenset({"os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn",
                            "os.spawn", "subprocess.Popen", "pty.spawn"})


def install_guard(audit, forbidden, course_codes, course_dir, off_limits=()):
    """Block, and report at once, what the student's code may not do, however it is spelled:
    import a forbidden module (importlib, __import__, a lazy attribute of a package), open
    or list anything in `off_limits` (the course, the grader's package, the results), or start
    a process.

    An audit hook cannot be removed once added. Walking out from the event: the course's own
    cells (`course_codes`), the course toolkit (`course_dir`) and this harness may do what they
    need (sklearn for the digits, the hidden inputs); library frames are skipped, to find who
    called them; the first frame of any other code is the student's."""
    library = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                                   os.path.dirname(os.__file__))})
    importlib_dir = os.path.dirname(importlib.__file__)
    off_limits = [os.path.realpath(p) for p in off_limits]

    def is_forbidden(module):
        return any(module == f or module.startswith(f + ".") for f in forbidden)

    def students_frame():
        frame = sys._getframe(2)
        while frame is not None:
            code = frame.f_code
            name = code.co_filename
            if code in course_codes or name == __file__ or _inside(name, [course_dir]):
                return False
            if not (name.startswith("<frozen ") or _inside(name, [importlib_dir, *library])):
                return True
            frame = frame.f_back
        return False

    def off_limits_path(path):
        if isinstance(path, int) or path is None:
            return None
        try:
            path = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return None
        # the Python it runs on and the toolkit may live inside the course's folder
        return path if _inside(path, off_limits) and not _inside(path, [*library, course_dir]) \
            else None

    def hook(event, args):
        if event == "import" and args and isinstance(args[0], str) and is_forbidden(args[0]):
            if students_frame():
                audit.note(f"forbidden-import {args[0]}")
                raise ImportError(f"{args[0]} may not be used in this course: write it with NumPy")
        elif event in PROCESS_EVENTS and students_frame():
            audit.note(f"process {event}")
            raise PermissionError(f"{event}: a notebook may not start processes while it is graded")
        elif event in ("open", "os.listdir", "os.scandir") and args:
            path = off_limits_path(args[0])
            if path is not None and students_frame():
                audit.note(f"off-limits {path}")
                raise PermissionError(f"{path} is the grader's: a notebook may not open it")

    sys.addaudithook(hook)


def phase_b(job_dir, work, job, audit, stage_fd=None, refs_fd=None):
    """Run the notebook's definitions in one namespace, then call each graded function of
    job["calls"] on every hidden case, then those of job["second"] once the harness has sealed
    the first stage and the references have come on `refs_fd` (see the module docstring)."""
    out = work / OUT
    status = {"cell_errors": [], "done": False}
    # plain json: importing nbformat costs seconds
    nb = json.loads((job_dir / job["notebook"]).read_text())
    namespace = {"__name__": "__main__"}
    course_cells = {c.strip() for c in job.get("course_cells", [])}
    signal.signal(signal.SIGALRM, _on_alarm)
    cells = _definition_cells(nb, set(job["test_cells"]))
    install_guard(audit, job.get("forbidden", []),
                  frozenset(c for _, s, c, _ in cells
                            if s.strip() in course_cells and not isinstance(c, BaseException)),
                  job.get("course_package") or "/nonexistent", job.get("off_limits", []))
    students = _run_cells(cells, namespace, job["cell_timeout"], course_cells, status, audit, out)
    substitutes = _substitutes(job.get("substitutes", {}), status)
    before = set(sys.modules)
    _call_all(job["calls"], substitutes, namespace, job, job_dir, out, audit)
    status["done"] = True
    status["modules"] = sorted(students | (set(sys.modules) - before))
    _write_json(out / CALLS_STATUS, status)
    if job.get("second") and stage_fd is not None and refs_fd is not None:
        os.write(stage_fd, b"1")
        os.close(stage_fd)
        substitutes = _second_stage_references(refs_fd, work, job, status)
        _call_all(job["second"], substitutes, namespace, job, job_dir, out, audit)


def _call_all(names, substitutes, namespace, job, job_dir, out, audit):
    """Call each function of `names` on its hidden cases, with its references in place."""
    for name in names:
        uses = {used: ref for used, ref in substitutes.get(name, {}).items()
                if replaceable(used, namespace.get(used), job["functions"])}
        saved = {used: namespace[used] for used in uses if used in namespace}
        _call_cases(name, namespace, uses, job, job_dir, out / CALLS / name)
        for used in uses:
            namespace.pop(used, None)
        namespace.update(saved)
        audit.check_disk()


def _second_stage_references(refs_fd, work, job, status):
    """The second stage's references: the modules the grader sends on `refs_fd` once the
    first stage is sealed, imported afresh from a folder of their own (a package of the same
    name that the first stage imported, for an earlier notebook's fallback, is dropped from
    sys.modules first, so that its modules come from the one folder)."""
    chunks = []
    while True:
        chunk = os.read(refs_fd, 2 ** 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(refs_fd)
    try:
        files = unpack_files(b"".join(chunks))
    except ValueError as error:
        status["cell_errors"].append({"cell": "references", **error_record(error)})
        return {}
    folder = work / SECOND_LIB
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    tops = {Path(name).parts[0] for name in files}
    for module in [m for m in sys.modules if m.split(".")[0] in tops]:
        del sys.modules[module]
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    return _substitutes(job.get("second_substitutes", {}), status)


def _definition_cells(nb, tests):
    """[(index, source, code or the SyntaxError, grade_id)] of the code cells that are not
    tests, up to the last test cell: nbgrader runs a hidden test where its cell is, so what
    comes after the last one (the final training run, figures) defines nothing the tests see."""
    last = max((i for i, c in enumerate(nb["cells"]) if _grade_id(c) in tests), default=-1)
    cells = []
    for index, cell in enumerate(nb["cells"][:last + 1]):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") != "code" or _grade_id(cell) in tests:
            continue
        try:
            code = compile(_strip_magics(source), f"<cell {index}>", "exec")
        except BaseException as error:  # noqa: BLE001 - a syntax error is the student's
            code = error
        cells.append((index, source, code, _grade_id(cell)))
    return cells


def _run_cells(cells, namespace, timeout, course_cells, status, audit, out):
    """Execute the cells in `namespace`, each within `timeout` seconds, noting their errors in
    `status`; returns the modules that the student's cells (not the course's) imported first."""
    students = set()
    for index, source, code, grade_id in cells:
        before = set(sys.modules)
        try:
            if isinstance(code, BaseException):
                raise code
            signal.alarm(timeout)
            exec(code, namespace)
        except BaseException as error:  # noqa: BLE001 - SystemExit included
            where = {"cell": index, "grade_id": grade_id}
            if isinstance(error, SyntaxError):
                where.update(lineno=error.lineno, text=str(error.msg)[:200])
            status["cell_errors"].append({**where, **error_record(error)})
        finally:
            signal.alarm(0)
        if source.strip() not in course_cells:
            students |= set(sys.modules) - before
        audit.check_disk()
        _write_json(out / CALLS_STATUS, status)
    return students


def _substitutes(wanted, status):
    """{function: {name it calls: the importable reference}} for `wanted`, {function: {name:
    (module, attribute)}}; a failed import is noted and the student's own functions are used
    then."""
    substitutes = {}
    for name, uses in wanted.items():
        try:
            substitutes[name] = {used: getattr(importlib.import_module(module), attr)
                                 for used, (module, attr) in uses.items()}
        except Exception as error:  # noqa: BLE001
            status["cell_errors"].append({"cell": "references", **error_record(error)})
    return substitutes


def _call_cases(name, namespace, uses, job, job_dir, folder):
    """Call the student's `name` on each hidden case, with `uses` in place of what it calls,
    and save each result (or error) to folder/<i>.json and each call log to <i>.log.json."""
    fn = namespace.get(name)
    inputs = folder_loader(job_dir / INPUTS / name)
    _fresh_folder(folder)
    timed_out = False
    for i, spec in enumerate(job["cases"].get(name, [])):
        if timed_out:   # one slow case is enough: do not wait for every other one
            _write_json(folder / f"{i}.json", {"t": "error", "ename": "CallTimeout",
                                               "evalue": "skipped after a time-out"})
            continue
        log = []
        namespace.update({used: _logging(used, ref, log, folder, i) if used in spec.get("log", ())
                          else ref for used, ref in uses.items()})
        try:
            args = [fresh_input(decode(a, inputs), spec["readonly"]) for a in spec["args"]]
            kwargs = {k: fresh_input(decode(v, inputs), spec["readonly"])
                      for k, v in spec["kwargs"].items()}
            if not callable(fn):
                raise NameError(f"{name} is not defined")
            signal.alarm(job["call_timeout"])
            try:
                result = fn(*args, **kwargs)
            finally:
                signal.alarm(0)
            record = encode(result, folder, f"{i}")
        except BaseException as error:  # noqa: BLE001
            record = error_record(error)
            timed_out = isinstance(error, CallTimeout)
        if spec.get("log"):
            _write_json(folder / f"{i}.log.json", log)
        _write_json(folder / f"{i}.json", record)


def _fresh_folder(folder):
    """An empty, real folder at `folder`: whatever the student's code left there (a link to
    elsewhere, a file, forged results) goes first."""
    if os.path.isdir(folder) and not os.path.islink(folder):
        shutil.rmtree(folder)
    elif os.path.lexists(folder):
        os.unlink(folder)
    folder.mkdir(parents=True)


def _logging(name, reference, log, folder, case):
    """`reference`, logging each call's arguments as they were when it was called."""
    def logged(*args, **kwargs):
        stem = f"{case}_log{len(log)}"
        log.append({"fn": name, "args": encode(list(args), folder, f"{stem}a"),
                    "kwargs": encode(kwargs, folder, f"{stem}k")})
        return reference(*args, **kwargs)
    return logged


# ---------------------------------------------------------------- what goes back

def write_records(fd, folder, only=None, magic=True):
    """Every regular file under `folder` (or under its sub-paths `only`) as one record each:
    name length (4 bytes), data length (8 bytes), the name (its path under `folder`), the
    data. Links, FIFOs and devices are left out; nothing here follows a link."""
    if magic:
        os.write(fd, RECORDS_MAGIC)
    folder = str(folder)
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for filename in sorted(files):
            path = os.path.join(top, filename)
            name = os.path.relpath(path, folder)
            if only is not None and not any(name == o or name.startswith(o + "/") for o in only):
                continue
            try:
                handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                if not stat.S_ISREG(os.fstat(handle).st_mode):
                    continue
                data = os.read(handle, MAX_RECORD_BYTES + 1)
                chunks = [data]
                while data and sum(map(len, chunks)) <= MAX_RECORD_BYTES:
                    data = os.read(handle, MAX_RECORD_BYTES)
                    chunks.append(data)
            finally:
                os.close(handle)
            data = b"".join(chunks)
            if len(data) > MAX_RECORD_BYTES:
                continue
            _write_all(fd, record(name, data))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def prepare(job_dir, work):
    """The working folder: the release's data files and matplotlib's font list, copied."""
    for sub, target in (("files", work), (".mpl", work / ".mpl")):
        source = job_dir / sub
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()) if source.is_dir() else []:
            if path.is_file():
                (target / path.name).write_bytes(path.read_bytes())
    (work / OUT).mkdir(exist_ok=True)


def not_dumpable():
    """Close this process's /proc/<pid> entries (fd/, mem, environ) to the student's processes,
    which run as the same uid: through /proc/<pid>/fd they could open the stream of results to
    write first, or the pipe that brings the references in. exec undoes it, so phase B, a
    fresh process, calls it again before any student code runs."""
    import ctypes
    PR_SET_DUMPABLE = 4
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def main(argv):
    not_dumpable()
    job_dir, work = Path(argv[1]), Path(argv[2])
    options = argv[3:]

    def fd_option(flag):
        return int(options[options.index(flag) + 1]) if flag in options else None

    audit_fd = fd_option("--audit-fd")
    job = json.loads((job_dir / JOB_FILE).read_text())
    os.chdir(work)
    audit = Audit(audit_fd, job.get("quota_paths", []))
    if "--phase-b" in options:
        sys.stdout = sys.stderr = open(os.devnull, "w")
        phase_b(job_dir, work, job, audit, fd_option("--stage-fd"), fd_option("--refs-fd"))
        return 0
    # the records go out on the results descriptor alone (stdout is /dev/null: whatever prints,
    # prints there); the references come in on another, which no process but phase B's is given
    stream, references = fd_option("--results-fd"), fd_option("--refs-fd")
    for fd in (stream, references):
        os.set_inheritable(fd, False)
    prepare(job_dir, work)
    phase_a(job_dir, work, job, audit)
    if "--contained" in options:
        # whatever the kernel left running (a process that left its session) would otherwise
        # run beside phase B, without its guard, and could rewrite phase B's results in WORK
        # before they are sent: kill(-1) reaches every process of the sandbox but this one and
        # its pid 1 (only where the sandbox has a pid namespace or a uid of its own)
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    run_phase_b(job_dir, work, job, audit_fd, stream, references)
    audit.check_disk()
    return 0


def run_phase_b(job_dir, work, job, audit_fd, stream, references):
    """Phase B in a fresh process (nothing the kernel did is in its memory), and the records:
    when it says that its first stage is done, everything so far and the seal, then, when it
    ends, the second stage's results; without a seal, everything at the end."""
    # a socket pair: a pipe could be opened again through /proc/<pid>/fd by a student's process
    stage_r, stage_w = (end.detach() for end in socket.socketpair())
    command = [sys.executable, str(job_dir / "run_submission.py"), str(job_dir), str(work),
               "--phase-b", "--stage-fd", str(stage_w), "--refs-fd", str(references)]
    if audit_fd is not None:
        command += ["--audit-fd", str(audit_fd)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "MPLBACKEND": "Agg"},
                               pass_fds=(stage_w, references) + (() if audit_fd is None else (audit_fd,)))
    os.close(stage_w)
    os.close(references)
    timeout = job["calls_timeout"]
    deadline = time.time() + timeout
    sealed = _first_stage_done(stage_r, timeout)
    os.close(stage_r)
    if sealed:
        write_records(stream, work / OUT)
        _write_all(stream, record(SEAL, b""))
        deadline = time.time() + timeout      # the second stage's own time
    try:
        process.wait(timeout=max(0.0, deadline - time.time()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        _write_json(work / OUT / CALLS_TIMEOUT, {"timeout": timeout})
    if sealed:
        write_records(stream, work / OUT, only=[f"{CALLS}/{fn}" for fn in job.get("second", [])],
                      magic=False)
    else:
        write_records(stream, work / OUT)


def _first_stage_done(stage_r, timeout):
    """True when phase B says, within `timeout` seconds, that its first stage is done; False
    when it ends or runs out of time first."""
    ready, _, _ = select.select([stage_r], [], [], timeout)
    return bool(ready) and os.read(stage_r, 1) == b"1"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
