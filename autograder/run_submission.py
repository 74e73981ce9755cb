"""The program that runs INSIDE the sandbox, on one submission.

It is copied into the submission's private folder J and started as
`python J/run_submission.py J`. It imports nothing from the course except
what a student may see (NumPy, nbformat, nbclient): the references, the
hidden checks and the gradebook are not in view.

J/job.json says what to do (written by autograder.grade):

- phase A (kernel): execute J/submission.ipynb (test cells already restored to
  their released, visible-only form) with nbclient. Around every test cell the
  graded functions are wrapped by a recorder that saves what each top-level
  call returned, in call order, to out/visible/<test cell>/<k>.json; the
  trusted process replays the visible tests on those values. The status of
  every cell goes to out/kernel.json, the executed notebook to
  out/executed.ipynb.
- phase B (calls): in a fresh process, execute the notebook's non-test code
  cells up to the last test cell in one namespace, then call every graded
  function of job["calls"] on every hidden case (inputs in inputs/, plain
  .npy + JSON) and save each result to out/calls/<function>/<i>.json (+ .npy
  files). During a function's cases the names in job["substitutes"][function]
  are the importable references it calls; a case with a "log" records its
  calls of those names to <i>.log.json. `--calls` runs phase B alone: the
  second run, which alone sees the references (autograder.grade). The modules first imported
  while running the student's code (a cell that is not one of the release's
  given cells, job["course_cells"], or a hidden call) go to
  out/calls_status.json: what the course's own cells import (sklearn for a
  figure or the digits) is not the student's doing.

Values travel as JSON plus `.npy` files written and read with
allow_pickle=False: nothing that executes on load.
"""

import collections
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

MAX_TEXT = 20_000          # characters kept per text output in the executed notebook
MAX_OUTPUTS_BYTES = 2_000_000


# ---------------------------------------------------------------- the codec

def encode(value, folder, stem, depth=0):
    """A JSON-able description of `value`; arrays go to `folder/stem*.npy`."""
    folder = Path(folder)
    if depth > 20:
        return {"t": "repr", "type": "deep", "v": "nested too deeply"}
    if isinstance(value, np.ndarray) and value.dtype != object:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{stem}.npy"
        np.save(folder / name, np.ascontiguousarray(value), allow_pickle=False)
        # a read-only input stays read-only in the sandbox (a dict of them: a model's params)
        return {"t": "array", "f": name, **({} if value.flags.writeable else {"ro": True})}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{stem}.npy"
        np.save(folder / name, np.asarray(value), allow_pickle=False)
        return {"t": "npscalar", "f": name}
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 62:
            return {"t": "bigint", "v": str(value)}
        if isinstance(value, str):
            value = value[:10_000]
        return {"t": type(value).__name__, "v": value}
    if isinstance(value, tuple) and hasattr(value, "_fields") and len(value) <= 1000:
        return {"t": "record", "type": type(value).__name__[:100],
                "items": {str(k): encode(v, folder, f"{stem}_{i}", depth + 1)
                          for i, (k, v) in enumerate(zip(value._fields, value))}}
    if isinstance(value, (tuple, list)) and len(value) <= 1000:
        return {"t": type(value).__name__,
                "items": [encode(v, folder, f"{stem}_{i}", depth + 1) for i, v in enumerate(value)]}
    if isinstance(value, dict) and len(value) <= 1000 and all(isinstance(k, str) for k in value):
        return {"t": "dict", "items": {k: encode(v, folder, f"{stem}_{i}", depth + 1)
                                       for i, (k, v) in enumerate(value.items())}}
    try:
        text = repr(value)[:200]
    except BaseException:  # noqa: BLE001 - a hostile __repr__
        text = "?"
    return {"t": "repr", "type": type(value).__name__, "v": text}


class Opaque:
    """Stands for a returned value that is not plain data (it compares unequal to everything)."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name} {self.text}>"


MAX_ARRAY_BYTES = 256 * 2 ** 20


def decode(desc, folder):
    """The value described by `desc` (see encode); never unpickles."""
    folder = Path(folder)
    kind = desc.get("t") if isinstance(desc, dict) else None
    if kind in ("array", "npscalar"):
        path = folder / str(desc["f"])
        if (path.is_symlink() or path.parent.resolve() != folder.resolve()
                or path.stat().st_size > MAX_ARRAY_BYTES):
            raise ValueError("array file out of bounds")
        array = np.load(path, allow_pickle=False)
        if kind == "npscalar":
            return array[()]
        array.setflags(write=not desc.get("ro"))
        return array
    if kind in ("NoneType", "bool", "int", "float", "str"):
        value = desc["v"]
        expected = {"NoneType": type(None), "bool": bool, "int": int, "float": (int, float),
                    "str": str}[kind]
        if not isinstance(value, expected):
            raise ValueError("bad scalar")
        return float(value) if kind == "float" else value
    if kind == "bigint":
        return int(desc["v"])
    if kind in ("tuple", "list"):
        items = [decode(d, folder) for d in desc["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {str(k): decode(v, folder) for k, v in desc["items"].items()}
    if kind == "record":
        fields = {str(k): decode(v, folder) for k, v in desc["items"].items()}
        if not all(k.isidentifier() and not k.startswith("_") for k in fields):
            raise ValueError("bad record field")
        name = str(desc.get("type", ""))
        return collections.namedtuple(name if name.isidentifier() else "Record", list(fields))(**fields)
    if kind == "repr":
        return Opaque(str(desc.get("type")), str(desc.get("v")))
    raise ValueError(f"unknown value kind {kind!r}")


def _write_json(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def error_record(error):
    name = type(error).__name__
    try:
        text = str(error)[:500]
    except BaseException:  # noqa: BLE001
        text = "?"
    return {"t": "error", "ename": name, "evalue": text}


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
        def recorded(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            k, self.k = self.k, self.k + 1
            folder = self.outdir / "visible" / str(self.cell)
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
        recorded.__wrapped__ = fn
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


def phase_a(job_dir, job):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    out = job_dir / "out"
    nb = nbformat.read(job_dir / job["notebook"], as_version=4)
    tests = set(job["test_cells"])
    client = NotebookClient(nb, timeout=job["cell_timeout"], kernel_name="python3",
                            allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(job_dir)}})
    status = {"cells": {}, "errors": [], "crashed": None, "timeout": False, "memory": False}

    def hidden(code, index):
        cell = nbformat.v4.new_code_cell(code)
        client.execute_cell(cell, index)
        return cell

    started = time.time()
    try:
        with client.setup_kernel():
            setup = hidden(
                "import sys as __s\n"
                f"__s.path.insert(0, {str(job_dir)!r})\n"
                "import run_submission as __cnn_rs\n"
                "__s.path.pop(0)\n"
                f"__cnn_rec__ = __cnn_rs.Recorder({str(out)!r}, {job['functions']!r})\n"
                "del __s, __cnn_rs\n", 0)
            if any(o.get("output_type") == "error" for o in setup.outputs):
                status["errors"].append({"cell": -1, "ename": "setup", "evalue": str(setup.outputs)})
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                is_test = grade_id in tests
                if is_test:
                    hidden(f"__cnn_rec__.begin({grade_id!r}, globals())", index)
                cell_start = time.time()
                client.execute_cell(cell, index)
                errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                if is_test:
                    hidden("__cnn_rec__.end()", index)
                for e in errors:
                    ename = e.get("ename", "")
                    if ename == "KeyboardInterrupt" and time.time() - cell_start >= job["cell_timeout"] - 1:
                        status["timeout"] = True
                        ename = "Timeout"
                    if ename == "MemoryError":
                        status["memory"] = True
                    status["errors"].append({"cell": index, "grade_id": grade_id, "ename": ename,
                                             "evalue": str(e.get("evalue", ""))[:300]})
                if is_test:
                    status["cells"][grade_id] = ("error:" + errors[0].get("ename", "")) if errors else "ok"
                _truncate_outputs(cell)
                _write_json(out / "kernel.json", status)
    except DeadKernelError as error:
        status["crashed"] = f"the kernel died ({str(error)[:200]})"
    except Exception as error:  # noqa: BLE001 - report, do not crash
        status["crashed"] = f"{type(error).__name__}: {str(error)[:300]}"
    status["seconds"] = round(time.time() - started, 2)
    for cell in nb.cells:
        if cell.cell_type == "code":
            _truncate_outputs(cell)
    _write_json(out / "kernel.json", status)
    nbformat.write(nb, out / "executed.ipynb")


# ---------------------------------------------------------------- phase B

def _strip_magics(source):
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


class CallTimeout(BaseException):
    """Raised by the alarm; a BaseException so `except Exception` in student code misses it."""


def _on_alarm(signum, frame):
    raise CallTimeout("took too long")


def phase_b(job_dir, job):
    out = job_dir / "out"
    status = {"cell_errors": [], "done": False}
    # plain json: importing nbformat costs seconds
    nb = json.loads((job_dir / job["notebook"]).read_text())
    tests = set(job["test_cells"])
    namespace = {"__name__": "__main__"}
    course_cells = {c.strip() for c in job.get("course_cells", [])}
    students = set()
    signal.signal(signal.SIGALRM, _on_alarm)
    # nbgrader runs a hidden test where its cell is: what comes after the last one (the final
    # training run, figures) defines nothing the tests see
    last = max((i for i, c in enumerate(nb["cells"])
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in tests), default=-1)
    for index, cell in enumerate(nb["cells"][:last + 1]):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") != "code" or \
                cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in tests:
            continue
        before = set(sys.modules)
        try:
            signal.alarm(job["cell_timeout"])
            exec(compile(_strip_magics(source), f"<cell {index}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - SystemExit included
            status["cell_errors"].append({"cell": index, **error_record(error)})
        finally:
            signal.alarm(0)
        if source.strip() not in course_cells:
            students |= set(sys.modules) - before
        _write_json(out / "calls_status.json", status)
    substitutes = {}
    for name, uses in job.get("substitutes", {}).items():
        try:
            substitutes[name] = {used: getattr(importlib.import_module(module), attr)
                                 for used, (module, attr) in uses.items()}
        except Exception as error:  # noqa: BLE001 - the student's own functions are used then
            status["cell_errors"].append({"cell": "references", **error_record(error)})
    before = set(sys.modules)
    for name in job["calls"]:
        fn = namespace.get(name)
        timed_out = False
        saved = {used: namespace[used] for used in substitutes.get(name, {}) if used in namespace}
        for i, spec in enumerate(job["cases"].get(name, [])):
            folder = out / "calls" / name
            inputs = job_dir / "inputs" / name
            if timed_out:   # one slow case is enough: do not wait for every other one
                _write_json(folder / f"{i}.json", {"t": "error", "ename": "CallTimeout",
                                                   "evalue": "skipped after a time-out"})
                continue
            log = []
            namespace.update({used: _logging(used, ref, log, folder, i) if used in spec.get("log", ())
                              else ref for used, ref in substitutes.get(name, {}).items()})
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
        for used in substitutes.get(name, {}):
            namespace.pop(used, None)
        namespace.update(saved)
    status["done"] = True
    status["modules"] = sorted(students | (set(sys.modules) - before))
    _write_json(out / "calls_status.json", status)


def _logging(name, reference, log, folder, case):
    """`reference`, logging each call's arguments as they were when it was called."""
    def logged(*args, **kwargs):
        stem = f"{case}_log{len(log)}"
        log.append({"fn": name, "args": encode(list(args), folder, f"{stem}a"),
                    "kwargs": encode(kwargs, folder, f"{stem}k")})
        return reference(*args, **kwargs)
    return logged


def fresh_input(value, readonly):
    """A private copy of an array input, read-only when the case asks or the array was read-only."""
    if isinstance(value, np.ndarray):
        readonly = readonly or not value.flags.writeable
        value = value.copy()
        value.setflags(write=not readonly)
    return value


def main(argv):
    job_dir = Path(argv[1]).resolve()
    job = json.loads((job_dir / "job.json").read_text())
    os.chdir(job_dir)
    if len(argv) > 2 and argv[2] == "--calls":
        sys.stdout = sys.stderr = open(os.devnull, "w")
        phase_b(job_dir, job)
        return 0
    phase_a(job_dir, job)
    # phase B in a fresh process: nothing the kernel did is in its memory
    try:
        subprocess.run([sys.executable, str(job_dir / "run_submission.py"), str(job_dir), "--calls"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=job["calls_timeout"], check=False)
    except subprocess.TimeoutExpired:
        _write_json(job_dir / "out" / "calls_timeout.json", {"timeout": job["calls_timeout"]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
