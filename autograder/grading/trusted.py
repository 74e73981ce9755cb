"""Trusted scores: what the grader process concludes from a sandboxed run.

Nothing here executes student code. The sandbox hands back plain values
(JSON + `.npy`, read with allow_pickle=False) and this module compares them
with the references of autograder.checks.in_notebook.checks().

How a test cell is scored (cell = a `test_*` cell of the source notebook, with
its points):

- its hidden cases are those of `verify("F", F, "G")` in the cell's hidden
  part: every case of check F in group G (all groups without G). The student's
  F was called on each of them in the sandbox; each result is compared here
  with the reference;
- its visible part (the code students see) is re-run here, in the grader,
  with every call of a graded function replaced by the value the student's
  function returned for that call in the sandbox (recorded in call order);
- score = points when every hidden case passes, else 0: the hidden cases call
  the reference versions of the other graded functions a function uses, and the
  visible tests the student's own, so scoring on the visible part too would
  charge one bug twice. A cell without hidden cases is scored on the visible
  replay. The visible replay's result is still reported, and flags tampering.

Flags:
- tampered: the notebook claimed a test cell passed (it ran without error in
  the sandbox) but the same visible test fails on the recorded values here, or
  the code assigns into numpy / the checker modules (static scan), or it tried to
  start a process while its functions were called (stopped by the guard);
- hard-coded: a cell's visible tests pass, fewer than a quarter of its (at least
  4) hidden cases pass, AND the failing hidden results do not depend on the
  input (all the same value, or constant arrays such as zeros): an honest bug
  (ignoring the stride, a wrong axis) also fails most hidden cases after
  passing the visible ones, but its wrong answers still vary with the input;
- forbidden-import: a module that does the work was imported (static scan of
  the student's code — cells not as given in the release —, and the modules first
  loaded while the student's cells or the hidden calls ran); the score is 0;
- timeout, memory, crashed: from the sandbox's reports.

A graded function that calls another graded function of the same assignment
(conv_output_size inside im2col) is called with that function's reference, in the
sandbox's second stage, which gets the references only once the first stage's results
are sealed (autograder.grading.grade.plan_runs, job.SEAL): one bug costs once, and no
function is answered where the reference of what it computes can be read.
"""

import ast
import builtins
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from ..checks.cases import expected_output
from ..notebook import HIDDEN_MARKERS, nbgrader_meta
from .job import CALLS, CALLS_STATUS, CALLS_TIMEOUT, KERNEL_STATUS, VISIBLE, Opaque, decode, encode

HIDDEN_BEGIN, HIDDEN_END = HIDDEN_MARKERS
FORBIDDEN = ("torch", "tensorflow", "jax", "jaxlib", "keras", "scipy.signal", "scipy.ndimage",
             "cv2", "skimage", "sklearn", "theano", "mxnet", "paddle", "chainer", "cupy")
PROTECTED = {"np", "numpy", "course", "feedback", "autograder", "hidden", "builtins",
             "IPython", "nbgrader", "unittest", "testing"}
# the machinery that could reach into the grader's own checks inside the sandbox (its audit
# hook's state, code objects, frames) or disguise where code comes from
EVASION = {"__closure__", "cell_contents", "get_objects", "get_referrers", "addaudithook",
           "meta_path", "path_hooks", "_getframe", "f_back", "f_globals", "f_locals", "f_code",
           "__code__", "co_filename", "ctypes"}
PATCHED_NAMES = {"check_array", "check_int", "check_scalar", "check_tuple", "check_shape",
                 "check_dtype", "verify", "allclose", "isclose", "array_equal",
                 "assert_allclose", "assert_array_equal", "assert_equal"}


@dataclass
class TestCell:
    grade_id: str
    notebook: str
    points: float
    visible: str
    hidden_calls: list
    cases: dict = field(default_factory=dict)   # {function: [case index]}


@dataclass
class Spec:
    assignment: str
    source: dict          # {notebook name: source nbformat notebook}
    release: dict         # {notebook name: release notebook}
    cells: dict           # {grade_id: TestCell}
    answers: dict         # {notebook name: [answer grade_ids]}
    checks: dict
    cases: dict           # {function: [Case]}
    expected: dict        # {function: [expected value]}
    imports: str          # import statements of the source's other cells

    @property
    def functions(self):
        return list(self.cases)

    @property
    def max_score(self):
        return sum(c.points for c in self.cells.values())


def split_test(source):
    """(visible part, hidden part) of a test cell's source: the cell without its hidden
    regions, and the regions joined (a cell may have one in front of its visible part)."""
    if HIDDEN_BEGIN not in source:
        return source, ""
    visible, hidden = [], []
    rest = source
    while HIDDEN_BEGIN in rest:
        before, rest = rest.split(HIDDEN_BEGIN, 1)
        region, _, rest = rest.partition(HIDDEN_END)
        visible.append(before)
        hidden.append(region)
    visible.append(rest)
    return "".join(visible).strip("\n") + "\n", "\n".join(hidden)


def hidden_calls(code):
    calls = []
    for node in ast.walk(ast.parse(code)):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "verify"
                and node.args and isinstance(node.args[0], ast.Constant)):
            group = None
            if len(node.args) > 2 and isinstance(node.args[2], ast.Constant):
                group = node.args[2].value
            for kw in node.keywords:
                if kw.arg == "group" and isinstance(kw.value, ast.Constant):
                    group = kw.value.value
            calls.append((node.args[0].value, group))
    return calls


def _imports_of(cells):
    lines = []
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.append(ast.unparse(node))
    return "\n".join(lines)


_specs, _lock = {}, threading.Lock()


def load_spec(root, assignment):
    """Everything the grader needs about an assignment, built once (expected values included)."""
    key = (str(Path(root).resolve()), assignment)
    with _lock:
        if key not in _specs:
            _specs[key] = _build_spec(Path(root), assignment)
        return _specs[key]


def _build_spec(root, assignment):
    from ..checks.in_notebook import checks as all_checks
    sources = {p.name: nbformat.read(p, as_version=4)
               for p in sorted((root / "source" / assignment).glob("*.ipynb"))}
    releases = {}
    for name in sources:
        path = root / "release" / assignment / name
        releases[name] = nbformat.read(path, as_version=4) if path.exists() else None
    registry = all_checks()
    cells, answers, others = {}, {}, []
    for name, nb in sources.items():
        answers[name] = []
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code":
                continue
            if meta.get("grade") and meta.get("grade_id"):
                visible, hidden = split_test(cell.source)
                cells[meta["grade_id"]] = TestCell(meta["grade_id"], name,
                                                   float(meta.get("points", 0)), visible,
                                                   hidden_calls(hidden))
            elif meta.get("solution"):
                answers[name].append(meta["grade_id"])
            else:
                others.append(cell)
    checks, cases, expected = {}, {}, {}
    for cell in cells.values():
        for fn, group in cell.hidden_calls:
            if fn not in registry:
                continue
            if fn not in checks:
                checks[fn] = registry[fn]
                cases[fn] = checks[fn].cases()
                expected[fn] = [expected_output(checks[fn], c) for c in cases[fn]]
            cell.cases.setdefault(fn, []).extend(
                i for i, c in enumerate(cases[fn]) if group is None or c.group == group)
    return Spec(assignment, sources, releases, cells, answers, checks, cases, expected,
                _imports_of(others))


def write_inputs(spec, folder):
    """Encode every hidden case's inputs once into `folder` (copied into each job)."""
    folder = Path(folder)
    table = {}
    for fn, cases in spec.cases.items():
        table[fn] = []
        stand_ins = sorted(name for name, used in spec.checks[fn].uses.items()
                           if hasattr(used, "__wrapped__"))
        for i, case in enumerate(cases):
            args = [encode(a, folder / fn, f"{i}_a{j}") for j, a in enumerate(case.args)]
            kwargs = {k: encode(v, folder / fn, f"{i}_k{k}") for k, v in case.kwargs.items()}
            table[fn].append({"args": args, "kwargs": kwargs, "readonly": case.readonly,
                              "log": stand_ins if case.before is not None else []})
    return table


# ------------------------------------------------------------- static scan

def _modules_imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("__import__", "import_module") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.args[0].value


def is_forbidden(module):
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def static_scan(code_cells):
    """(forbidden modules, patching statements) found in the student's code cells."""
    forbidden, patches = set(), []
    strings = re.compile(r"""['"]([\w.]+)['"]""")
    for source in code_cells:
        text = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in source.split("\n"))
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        forbidden |= {m for m in _modules_imported(tree) if is_forbidden(m)}
        forbidden |= {m for m in strings.findall(text) if is_forbidden(m) and "." in m
                      or m in ("torch", "tensorflow", "jax")}
        literals = [n.value for n in ast.walk(tree)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        private = [t for t in literals if "gradebook.db" in t or "/source/" in t
                   or "/solutions/" in t or t.rstrip("/").endswith(("/source", "/solutions"))]
        paths = [t for t in literals if t.startswith(("/", "~", "../")) and len(t) > 1
                 and "\n" not in t and t != "/dev/null"]
        file_calls = any(isinstance(n, ast.Call) and (getattr(n.func, "id", None)
                         or getattr(n.func, "attr", None)) in FILE_CALLS for n in ast.walk(tree))
        if private:
            patches.append(f"refers to the course's private files ({private[0][:60]})")
        elif paths and file_calls:
            patches.append(f"works on files outside the submission ({paths[0][:60]})")
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and (
                        _root_name(target) in PROTECTED or target.attr in PATCHED_NAMES):
                    patches.append(ast.unparse(target))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" \
                    and node.args and _root_name(node.args[0]) in PROTECTED:
                patches.append(ast.unparse(node)[:80])
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "sys.modules" \
                    and isinstance(getattr(node, "ctx", None), ast.Store):
                patches.append(ast.unparse(node)[:80])
        evasion = sorted({name for name in _names_used(tree) if name in EVASION}
                         | {"compile" for n in ast.walk(tree) if isinstance(n, ast.Call)
                            and getattr(n.func, "id", None) == "compile"})
        if evasion:
            patches.append("reaches into the interpreter's machinery (" + ", ".join(evasion) + ")")
    return sorted(forbidden), patches


def _names_used(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield alias.name.split(".")[0]
            if isinstance(node, ast.ImportFrom) and node.module:
                yield node.module.split(".")[0]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in EVASION:
            yield node.value


FILE_CALLS = {"open", "remove", "unlink", "rmtree", "rmdir", "write_text", "write_bytes",
              "Path", "rename", "replace", "connect", "listdir", "scandir", "walk", "glob",
              "read_text", "read_bytes", "copy", "copyfile", "system", "popen", "run"}


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return getattr(node, "id", None)


# ------------------------------------------------------------- evaluation

class ReplayMissing(BaseException):
    """The sandbox recorded fewer calls than the visible test makes. A BaseException, so that
    course.feedback.call in the visible test lets it through instead of making it a failure."""


def _recorded_error(ename, evalue):
    """The exception a recorded call raised, to raise again in the replay: the built-in class
    of that name where there is one (call() treats NotImplementedError as unwritten), else a
    class of that name. It says no line of its own: none of the replay's lines are the student's."""
    kind = getattr(builtins, str(ename), None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(str(ename) if str(ename).isidentifier() else "Error", (Exception,), {})
    error = kind(str(evalue))
    error.student_line = ""
    return error


def _list(value):
    return value if isinstance(value, list) else []


def _replay_writes(written, args, kwargs, load):
    """Write into the test's arrays what the student's function wrote into them in the notebook."""
    if not isinstance(written, dict):
        return
    for key, desc in written.items():
        target = args[int(key)] if key.isdigit() and int(key) < len(args) else kwargs.get(key)
        try:
            value = decode(desc, load)
        except (ValueError, OSError, KeyError, TypeError, AttributeError):
            continue
        if (isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and target.flags.writeable
                and value.shape == target.shape):
            np.copyto(target, value, casting="unsafe")


def replay_visible(spec, cell, bundle):
    """('pass'|'fail'|'unavailable'|'not-run', message): the visible test on the recorded values."""
    prefix = f"{VISIBLE}/{cell.grade_id}/"
    numbered = [n[len(prefix):-5] for n in bundle.names(prefix) if n.endswith(".json")]
    numbered = sorted((int(k) for k in numbered if k.isdigit() and len(k) < 9))
    where = bundle.loader(prefix)
    records = [(bundle.json(f"{prefix}{k}.json"), where) for k in numbered]
    queue = list(records)
    namespace = {"np": np}
    import course.feedback as feedback
    namespace.update({k: getattr(feedback, k) for k in dir(feedback) if not k.startswith("_")})
    try:
        exec(compile(spec.imports, "<imports>", "exec"), namespace)
    except Exception:  # noqa: BLE001 - a plotting import missing here is no matter
        pass

    def replayer(name):
        def replayed(*args, **kwargs):
            if not queue:
                raise ReplayMissing(f"no recorded result for a call of {name}")
            record, where = queue.pop(0)
            if not isinstance(record, dict) or record.get("fn") != name:
                raise ReplayMissing(f"the recorded calls do not match the test ({name})")
            value = record.get("value") or {}
            if not isinstance(value, dict):
                raise ReplayMissing(f"the recorded result of {name} is damaged")
            _replay_writes(record.get("written"), args, kwargs, where)
            if value.get("t") == "error":
                raise _recorded_error(value.get("ename"), value.get("evalue"))
            return decode(value, where)
        replayed.__name__ = replayed.__qualname__ = name
        return replayed

    graded = set(spec.functions) | {fn for c in spec.cells.values() for fn, _ in c.hidden_calls}
    if not {n.id for n in ast.walk(ast.parse(cell.visible)) if isinstance(n, ast.Name)} & graded:
        # it only reads what an earlier cell computed (06's accuracy test reads train's
        # history): nothing of the student's to replay here
        return "unavailable", "the visible test calls no graded function"
    for name in graded:
        namespace[name] = replayer(name)
    try:
        exec(compile(cell.visible, f"<{cell.grade_id}>", "exec"), namespace)
    except ReplayMissing as error:
        return ("not-run" if not records else "fail"), str(error)
    except NameError as error:
        if getattr(error, "name", None) not in graded:
            return "unavailable", str(error)
        return "fail", str(error)
    except AssertionError as error:
        return "fail", str(error)
    except Exception as error:  # noqa: BLE001
        return "fail", f"{type(error).__name__}: {error}"
    return "pass", ""


def _replay_log(check, case, bundle, prefix, i):
    """Rebuild the recording the in-notebook check makes: the calls the sandboxed function made
    to the references (logged there) go through the check's recording stand-ins, in order."""
    case.before()
    log = bundle.json(f"{prefix}{i}.log.json")
    load = bundle.loader(prefix)
    if not isinstance(log, list) or len(log) > 100_000:
        raise AssertionError(f"{case.name}: no record of the calls it made (the run stopped early)")
    for entry in log:
        stand_in = check.uses.get(entry.get("fn")) if isinstance(entry, dict) else None
        if not hasattr(stand_in, "__wrapped__"):
            raise AssertionError(f"{case.name}: the record of its calls is damaged")
        args, kwargs = decode(entry["args"], load), decode(entry["kwargs"], load)
        stand_in(*args, **kwargs)


def compare_case(spec, fn, i, bundle):
    """(passed, message) for hidden case i of fn."""
    case = spec.cases[fn][i]
    prefix = f"{CALLS}/{fn}/"
    record = bundle.json(f"{prefix}{i}.json")
    if not isinstance(record, dict):
        return False, f"{case.name}: no result (the run stopped before this case)"
    if record.get("t") == "error":
        ename, evalue = record.get("ename"), record.get("evalue")
        if ename == "NotImplementedError":
            return False, f"{case.name}: not implemented yet"
        if ename == "CallTimeout":
            return False, f"{case.name}: took too long (time limit per call)"
        if ename == "ValueError" and case.readonly and "read-only" in str(evalue):
            return False, (f"{case.name}: your function writes into one of its inputs "
                           f"({evalue}); work on a copy or build a new array")
        return False, f"{case.name}: raised {ename}: {evalue}"
    try:
        actual = decode(record, bundle.loader(prefix))
        if isinstance(actual, Opaque):
            raise AssertionError(f"{case.name}: returned {actual!r}, not plain data")
        if case.before is not None:
            _replay_log(spec.checks[fn], case, bundle, prefix, i)
        spec.checks[fn].compare(actual, spec.expected[fn][i], case.name, case)
    except AssertionError as error:
        return False, str(error)
    except Exception as error:  # noqa: BLE001 - odd values make the comparison fail
        return False, f"{case.name}: returned a value that cannot be compared ({type(error).__name__})"
    return True, ""


def _fingerprint(value):
    """What is left of a returned value once its input-dependent size is ignored."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        flat = value.ravel()
        if flat.size == 0 or (flat == flat[0]).all() or (np.isnan(flat).all() if
                                                           flat.dtype.kind == "f" else False):
            return ("constant", str(flat[0]) if flat.size else "empty")
        return ("array", value.shape, str(value.dtype), hash(value.tobytes()))
    if isinstance(value, (tuple, list)):
        return tuple(_fingerprint(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _fingerprint(v)) for k, v in value.items()))
    return ("value", repr(value)[:200])


def _input_independent(spec, bundle, failing):
    """True when the results of the failing hidden cases collapse to very few values: the
    same answer (or constant arrays) whatever the input, as a lookup table of the visible
    cases gives. Crashes are not evidence either way."""
    prints = []
    for fn, i in failing:
        record = bundle.json(f"{CALLS}/{fn}/{i}.json")
        if not isinstance(record, dict) or record.get("t") == "error":
            continue
        try:
            prints.append((fn, _fingerprint(decode(record, bundle.loader(f"{CALLS}/{fn}/")))))
        except Exception:  # noqa: BLE001 - an undecodable value says nothing
            continue
    return len(prints) >= 2 and len(set(prints)) <= max(1, len(prints) // 4)


SWEEPS = ("shape", "shapes", "sweep")


def failing_hints(cases, results, most=3):
    """The distinct hints of the failing cases: the targeted cases' first (ties, overlap, pad 0,
    dtype), the sweeps of shapes last, because a targeted case names the bug and a sweep only
    shows that something is off."""
    found = []
    for case, (ok, _) in sorted(zip(cases, results), key=lambda cr: cr[0].group in SWEEPS):
        if not ok and case.hint and case.hint not in found:
            found.append(case.hint)
    return found[:most]


def _mapping(value):
    return value if isinstance(value, dict) else {}


def evaluate(spec, notebook, bundle, outcome=None, student_code=()):
    """Trusted results of the sandboxed runs of `notebook`, from their records (a
    stream.Bundle) and the Outcome (see the module docstring)."""
    kernel = _mapping(bundle.json(KERNEL_STATUS))
    calls = _mapping(bundle.json(CALLS_STATUS))
    audit = getattr(outcome, "audit", None) or {}
    # one submission's cases of a function in order, in this thread: a recording check
    # keeps what an earlier case recorded in its thread's own state
    results = {fn: [compare_case(spec, fn, i, bundle) for i in range(len(spec.cases[fn]))]
               for fn in spec.cases}
    flags = {}
    cells = _score_cells(spec, notebook, bundle, kernel, results, flags)
    _flag_forbidden(cells, flags, student_code, calls, audit)
    _flag_limits(flags, spec, bundle, kernel, calls, audit, outcome)
    _flag_syntax(flags, calls)
    return {"cells": cells, "functions": _function_summaries(spec, results), "flags": flags,
            "seconds": getattr(outcome, "seconds", None)}


def _score_cells(spec, notebook, bundle, kernel, results, flags):
    """{grade_id: result} of the notebook's test cells. The points come from the hidden cases,
    which call the reference versions of the other graded functions a function uses: the
    visible tests call the student's own, so a bug in conv_output_size would cost im2col's
    points too. Flags a notebook that claims what its returned values deny (tampered) and
    answers that ignore their input (hard-coded)."""
    cells = {}
    for cell in (c for c in spec.cells.values() if c.notebook == notebook):
        hidden = [(fn, i) for fn, indices in cell.cases.items() for i in indices]
        passed = [results[fn][i][0] for fn, i in hidden]
        messages = [results[fn][i][1] for fn, i in hidden if not results[fn][i][0]]
        visible, visible_message = replay_visible(spec, cell, bundle)
        claim = _mapping(kernel.get("cells")).get(cell.grade_id, "not-run")
        ok = all(passed) if hidden else visible == "pass"
        cells[cell.grade_id] = {
            "points": cell.points, "score": cell.points if ok else 0.0,
            "functions": sorted(cell.cases), "hidden_passed": sum(passed), "hidden_total": len(passed),
            "messages": messages, "visible": visible, "visible_message": visible_message,
            "claim": claim,
        }
        if claim == "ok" and visible == "fail":
            flags["tampered"] = (f"{cell.grade_id} passed in the notebook but its visible test fails "
                                 f"on the values the functions returned: {visible_message[:200]}")
        if visible == "pass" and len(hidden) >= 4 and sum(passed) < 0.25 * len(hidden) \
                and _input_independent(spec, bundle, [(fn, i) for (fn, i), ok in zip(hidden, passed)
                                                   if not ok]):
            flags.setdefault("hard-coded", f"{cell.grade_id}: the visible tests pass but almost "
                                           "every hidden case fails, with the same answer whatever "
                                           "the input (answers may be hard-coded)")
    return cells


def _flag_forbidden(cells, flags, student_code, calls, audit):
    """forbidden-import and tampered (the score is 0 for either from the audit hook's notes,
    an import of a forbidden module or an open of the grader's files), from the static scan
    of the student's code, the modules the run imported and those notes."""
    forbidden, patches = static_scan(student_code)
    modules = calls.get("modules") if isinstance(calls.get("modules"), list) else []
    loaded = [m for m in modules if isinstance(m, str) and is_forbidden(m)]
    loaded += [m.strip() for m in audit.get("forbidden-import", []) if is_forbidden(m.strip())]
    if forbidden or loaded:
        flags["forbidden-import"] = ("imports " + ", ".join(sorted(set(forbidden) | set(loaded)))
                                     + "; the score is 0")
        for cell in cells.values():
            cell["score"] = 0.0
    touched = sorted({p.strip() for p in audit.get("off-limits", [])})
    if touched:
        flags["tampered"] = ("tried to open the grader's files (" + ", ".join(touched[:3])
                             + "), which a notebook may not touch; the score is 0")
        for cell in cells.values():
            cell["score"] = 0.0
    started = sorted({p.strip() for p in audit.get("process", [])})
    if started:
        flags.setdefault("tampered", "tried to start a process (" + ", ".join(started[:3])
                                     + "), which a graded notebook may not do; it was stopped")
    if patches:
        flags.setdefault("tampered", "suspicious code (patching numpy or the checker, or files "
                                     "outside the submission): " + "; ".join(patches[:3]))


def _flag_limits(flags, spec, bundle, kernel, calls, audit, outcome):
    """timeout, memory, disk-quota and crashed: the limits a run hit, and runs that ended early."""
    errors = [e for e in _list(kernel.get("errors")) + _list(calls.get("cell_errors"))
              if isinstance(e, dict)]
    call_errors = [r for fn in spec.cases for i in range(len(spec.cases[fn]))
                   if _mapping(r := bundle.json(f"{CALLS}/{fn}/{i}.json")).get("t") == "error"]
    if (outcome is not None and outcome.timed_out) or kernel.get("timeout") \
            or CALLS_TIMEOUT in bundle.records \
            or any(e.get("ename") in ("CallTimeout", "Timeout") for e in errors + call_errors):
        flags["timeout"] = "a cell, a hidden call or the whole notebook hit its time limit"
    if kernel.get("memory") or any(e.get("ename") == "MemoryError" for e in errors + call_errors):
        flags["memory"] = "ran out of the memory allowed (MemoryError)"
    if "disk-full" in audit:
        flags["disk-quota"] = ("filled the space it may write to ("
                               + ", ".join(sorted(set(audit["disk-full"]))) + ")")
    crashed = _crash(bundle, kernel, calls, outcome, errors, call_errors, "timeout" in flags)
    if crashed and "memory" not in flags:
        flags["crashed"] = crashed


def _crash(bundle, kernel, calls, outcome, errors, call_errors, timed_out):
    """Why a run ended before its end, or None: the first cause that applies."""
    crashed = kernel.get("crashed") if isinstance(kernel.get("crashed"), str) else None
    if outcome is not None and (getattr(outcome, "too_many_processes", False)
                                or getattr(outcome, "task_limit_hit", False)):
        crashed = "started too many processes or threads (the limit stopped them)"
    if getattr(outcome, "results_overflow", False):
        crashed = crashed or "sent back more results than the grader accepts"
    if bundle.damaged and bundle.records:
        crashed = crashed or bundle.damaged
    if any(e.get("ename") == "SystemExit" for e in errors):
        crashed = crashed or "the notebook called sys.exit"
    if not kernel and not timed_out:
        crashed = crashed or "the sandbox produced no report" + (
            f" ({outcome.stderr.strip()[-300:]})" if outcome is not None and outcome.stderr else "")
    if kernel and not calls.get("done") and not timed_out:
        crashed = crashed or "the process calling your functions stopped early (exit or crash)"
    if any(e.get("ename") == "BlockingIOError" for e in errors + call_errors):
        crashed = crashed or "hit the limit on processes (fork failed)"
    return crashed


def _flag_syntax(flags, calls):
    """syntax-error, naming the answer cell and the line."""
    syntax = [e for e in _list(calls.get("cell_errors")) if isinstance(e, dict)
              and e.get("ename") in ("SyntaxError", "IndentationError", "TabError")]
    if syntax:
        flags["syntax-error"] = "; ".join(
            (f"answer cell {e['grade_id']!r}" if isinstance(e.get("grade_id"), str)
             else f"cell {e.get('cell')}") + f" has a syntax error (line {e.get('lineno')}: "
            f"{str(e.get('text') or e.get('evalue'))[:120]})" for e in syntax[:3])


def _function_summaries(spec, results):
    """{function: passed, total, first failure and the distinct hints of its failing cases}."""
    summaries = {}
    for fn, found in results.items():
        failing = [m for ok, m in found if not ok]
        summaries[fn] = {"passed": sum(ok for ok, _ in found), "total": len(found),
                         "first_failure": failing[0] if failing else "",
                         "hints": failing_hints(spec.cases[fn], found)}
    return summaries
