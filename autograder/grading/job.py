"""The job folder's contract, shared by the grader (host) and the harness in the sandbox.

The grader writes a job folder (read-only inside the sandbox) and copies this
module and run_submission.py into it; the harness writes its results under
WORK/out and sends them back as one record stream. This module owns the names
of that layout, the value codec (JSON plus `.npy` files, never pickles), the
framing constants of the streams, and the small rules both sides apply to a
student's namespace. It imports nothing but NumPy.

    JOB/job.json                what to do
    JOB/inputs/                 the hidden cases' inputs (encoded)
    JOB/lib/autograder/...      the references it may import (02 and 06), on PYTHONPATH
    WORK/out/kernel.json        the status of every cell (phase A)
    WORK/out/executed.ipynb     the executed notebook (phase A)
    WORK/out/visible/<cell>/<k>.json   what each visible call returned, in order
    WORK/out/calls/<fn>/<i>.json       what each hidden call returned (phase B)
    WORK/out/calls_status.json  the modules the student's code imported (phase B)
    WORK/out/calls_timeout.json phase B ran out of time
    WORK/second-stage/...       the references the second stage is sent (on its sys.path)

A function that calls another one graded here (im2col calls conv_output_size) is called in a
second stage, with the reference in place of what it calls. The references reach the sandbox
only after the first stage's results are final: the harness sends every record so far, then
the SEAL record, and only then does the grader write the references (pack_files) to the
harness's references pipe (--refs-fd). Only records after the seal count for the second
stage's functions, and only for them.
"""

import collections
import os
import struct
import tempfile
from pathlib import Path

import numpy as np

JOB_FILE = "job.json"
INPUTS = "inputs"
LIB = "lib"                          # copies of the references it may import (on PYTHONPATH)
SECOND_LIB = "second-stage"          # WORK/second-stage: the second stage's references
OUT = "out"
KERNEL_STATUS = "kernel.json"
EXECUTED = "executed.ipynb"
VISIBLE = "visible"
CALLS = "calls"
CALLS_STATUS = "calls_status.json"
CALLS_TIMEOUT = "calls_timeout.json"
HARNESS_FILES = ("run_submission.py", "job.py")

def encode(value, folder, stem, depth=0):
    """A JSON-able description of `value`; arrays go to `folder/stem*.npy`."""
    folder = Path(folder)
    if depth > 20:
        return {"t": "repr", "type": "deep", "v": "nested too deeply"}
    if isinstance(value, np.ndarray) and value.dtype != object:
        name = f"{stem}.npy"
        _save_npy(folder / name, np.ascontiguousarray(value))
        # a read-only input stays read-only in the sandbox (a dict of them: a model's params)
        return {"t": "array", "f": name, **({} if value.flags.writeable else {"ro": True})}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        name = f"{stem}.npy"
        _save_npy(folder / name, np.asarray(value))
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


def _save_npy(path, array):
    """np.save by a fresh temporary name, then rename (see _write_file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        np.save(file, array, allow_pickle=False)
    os.replace(tmp, path)


class Opaque:
    """Stands for a returned value that is not plain data (it compares unequal to everything)."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name} {self.text}>"


MAX_ARRAY_BYTES = 256 * 2 ** 20


def folder_loader(folder):
    """decode's loader for `.npy` files in a folder the caller trusts (the hidden inputs)."""
    folder = Path(folder)

    def load(name):
        path = folder / name
        if (path.is_symlink() or path.parent.resolve() != folder.resolve()
                or path.stat().st_size > MAX_ARRAY_BYTES):
            raise ValueError("array file out of bounds")
        return np.load(path, allow_pickle=False)
    return load


def decode(desc, load, depth=0):
    """The value described by `desc` (see encode); `load(name)` gives the array saved as `name`.
    Never unpickles."""
    if depth > 30:
        raise ValueError("nested too deeply")
    kind = desc.get("t") if isinstance(desc, dict) else None
    if kind in ("array", "npscalar"):
        array = load(str(desc["f"]))
        if not isinstance(array, np.ndarray) or array.dtype.hasobject:
            raise ValueError("not a plain array")
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
        text = str(desc["v"])
        if len(text) > 400:
            raise ValueError("bad integer")
        return int(text)
    if kind in ("tuple", "list"):
        items = [decode(d, load, depth + 1) for d in desc["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {str(k): decode(v, load, depth + 1) for k, v in desc["items"].items()}
    if kind == "record":
        fields = {str(k): decode(v, load, depth + 1) for k, v in desc["items"].items()}
        if not all(k.isidentifier() and not k.startswith("_") for k in fields):
            raise ValueError("bad record field")
        name = str(desc.get("type", ""))
        return collections.namedtuple(name if name.isidentifier() else "Record", list(fields))(**fields)
    if kind == "repr":
        return Opaque(str(desc.get("type")), str(desc.get("v")))
    raise ValueError(f"unknown value kind {kind!r}")


def error_record(error):
    name = type(error).__name__
    try:
        text = str(error)[:500]
    except BaseException:  # noqa: BLE001
        text = "?"
    return {"t": "error", "ename": name, "evalue": text}


# ---------------------------------------------------------------- a student's namespace

LOADED = "__cnn_loaded_from__"       # course.notebook_import's mark on a loaded function


def replaceable(name, current, own):
    """True when the grader may put a reference in place of `current`, what the student's
    namespace holds under `name`: nothing, a function graded in this same assignment (`own`),
    or a function loaded from an earlier notebook. A helper the student wrote under that name
    (with another signature or column order) stays theirs."""
    return current is None or name in own or getattr(current, LOADED, None) is not None


def fresh_input(value, readonly):
    """A private copy of an array input, read-only when the case asks or the array was read-only."""
    if isinstance(value, np.ndarray):
        readonly = readonly or not value.flags.writeable
        value = value.copy()
        value.setflags(write=not readonly)
    return value


# ---------------------------------------------------------------- the streams

AUDIT_TAG = b"CNN-AUDIT "
RECORDS_MAGIC = b"CNN-RECORDS 1\n"
MAX_RECORD_BYTES = 64 * 2 ** 20
SEAL = "\0sealed"                   # a record name no file can have: the first stage is over
HEAD = struct.Struct(">IQ")          # a record's name length and data length
MAX_NAME = 1000                      # bytes of a record's name


def record(name, data):
    """One record of a stream: the lengths, the name, the data."""
    name = name.encode()
    return HEAD.pack(len(name), len(data)) + name + data


def records(data):
    """(name, data) of each record of a stream, in order. Where the bytes stop being records
    it raises ValueError, whose text completes "the results ..." or "the references ...";
    the records before that have been given."""
    if not data.startswith(RECORDS_MAGIC):
        raise ValueError("are damaged")
    at = len(RECORDS_MAGIC)
    while at < len(data):
        if at + HEAD.size > len(data):
            raise ValueError("end in the middle of a record")
        name_length, size = HEAD.unpack_from(data, at)
        at += HEAD.size
        if name_length > MAX_NAME or size > MAX_RECORD_BYTES or at + name_length + size > len(data):
            raise ValueError("are damaged")
        try:
            name = data[at:at + name_length].decode()
        except UnicodeDecodeError:
            raise ValueError("are damaged") from None
        at += name_length
        yield name, data[at:at + size]
        at += size


def pack_files(files):
    """{relative path: bytes} as one stream of records."""
    return RECORDS_MAGIC + b"".join(record(name, data) for name, data in sorted(files.items()))


def unpack_files(data):
    """pack_files' {relative path: bytes} back; ValueError when the stream is damaged or a
    path would leave the folder it is written to."""
    files = {}
    try:
        for name, content in records(data):
            if name.startswith("/") or ".." in Path(name).parts:
                raise ValueError(f"{name!r} leaves its folder")
            files[name] = content
    except ValueError as error:
        raise ValueError(f"the references {error}") from None
    return files
