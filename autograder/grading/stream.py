"""What a sandboxed run sends back, read as data with limits.

The run's harness (autograder.grading.run_submission.write_records) writes one stream of
records on a pipe: a name, then bytes. Here the stream becomes a `Bundle`, a plain
mapping from names to bytes: no name is ever used as a path, nothing is opened,
copied or followed. JSON is parsed only after a size and nesting check, so a
file nested 100,000 levels deep is refused instead of blowing the stack, and
`.npy` data is loaded from memory with allow_pickle=False.
"""

import io
import json
import os
import re
import stat

import numpy as np

from .job import HEAD, MAX_NAME, MAX_RECORD_BYTES, RECORDS_MAGIC, SEAL
from .job import records as job_records

MAX_JSON_DEPTH = 64
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


class BadData(ValueError):
    """Bytes from outside that are not what they should be."""


def json_depth(data):
    """How deeply `data` (JSON bytes) nests its arrays and objects, without parsing it."""
    if isinstance(data, str):
        data = data.encode()
    bare = np.frombuffer(_STRINGS.sub(b'""', data), dtype=np.uint8)
    steps = (np.isin(bare, (ord("["), ord("{"))).astype(np.int64)
             - np.isin(bare, (ord("]"), ord("}"))))
    return int(np.cumsum(steps).max(initial=0))


def loads(data, max_bytes=MAX_RECORD_BYTES, max_depth=MAX_JSON_DEPTH):
    """json.loads for bytes from outside: BadData when too large, too deep or not JSON."""
    if len(data) > max_bytes:
        raise BadData(f"{len(data) / 2 ** 20:.0f} MB of JSON, above the {max_bytes / 2 ** 20:.0f} MB limit")
    if json_depth(data) > max_depth:
        raise BadData(f"JSON nested more than {max_depth} levels deep")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BadData(f"not JSON ({str(error)[:80]})") from None


def read_regular(path, max_bytes):
    """The bytes of `path` if it is a regular file no larger than `max_bytes` (checked on the
    open file: never through a final link, never blocking on a FIFO); BadData otherwise."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise BadData(f"cannot be opened ({error.strerror})") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise BadData("is not a regular file")
        if info.st_size > max_bytes:
            raise BadData(f"is {info.st_size / 2 ** 20:.0f} MB, above the "
                          f"{max_bytes / 2 ** 20:.0f} MB limit")
        with os.fdopen(os.dup(handle), "rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise BadData("grew past the size limit while being read")
        return data
    finally:
        os.close(handle)


class Bundle:
    """The records of one or more sandboxed runs: {name: bytes}, with checked readers."""

    def __init__(self, records=None, damaged="", later=None):
        self.records, self.damaged = dict(records or {}), damaged
        self.later = later          # the records after the seal: the second stage's
        self._json = {}

    def names(self, prefix=""):
        return sorted(n for n in self.records if n.startswith(prefix))

    def json(self, name):
        """The parsed JSON record `name`, or None when absent or bad."""
        if name not in self._json:
            data = self.records.get(name)
            try:
                self._json[name] = None if data is None else loads(data)
            except BadData:
                self._json[name] = None
        return self._json[name]

    def loader(self, prefix):
        """run_submission.decode's loader for the arrays saved under `prefix`."""
        def load(name):
            data = self.records.get(prefix + str(name))
            if data is None or len(data) > MAX_RECORD_BYTES:
                raise BadData(f"no array {name!r}")
            return np.load(io.BytesIO(data), allow_pickle=False)
        return load

    def take(self, other, prefixes):
        """The records under `prefixes` from `other` (a later run's) alone, in place of ours."""
        self.records = {n: d for n, d in self.records.items() if not n.startswith(prefixes)}
        self.records.update({n: d for n, d in other.records.items() if n.startswith(prefixes)})
        self.damaged = self.damaged or other.damaged
        self._json.clear()


def parse(data):
    """A Bundle from the bytes of a stream; what follows a damaged record is dropped. The
    records after the first SEAL make the Bundle's `later`, another Bundle."""
    if not data:
        return Bundle(damaged="the run sent no results", later=Bundle())
    first, later = {}, {}
    records, damaged = first, ""
    try:
        for name, content in job_records(data):
            if name == SEAL and records is first:
                records = later
            else:
                records.setdefault(name, content)
    except ValueError as error:
        damaged = f"the results {error}"
    return Bundle(first, damaged, later=Bundle(later))


class SealWatch:
    """Tells, as a stream's bytes arrive, whether its SEAL record has come yet: only then may
    the grader send the second stage's references."""

    def __init__(self):
        self.at, self.sealed, self.stopped = len(RECORDS_MAGIC), False, False

    def feed(self, data):
        """`data`: the whole stream so far. True once the seal is in it."""
        if len(data) >= len(RECORDS_MAGIC) and not data.startswith(RECORDS_MAGIC):
            self.stopped = True
        while not (self.sealed or self.stopped) and len(data) >= self.at + HEAD.size:
            name_length, size = HEAD.unpack_from(data, self.at)
            if name_length > MAX_NAME or size > MAX_RECORD_BYTES:
                self.stopped = True
                break
            if len(data) < self.at + HEAD.size + name_length:
                break
            start = self.at + HEAD.size
            self.sealed = bytes(data[start:start + name_length]) == SEAL.encode()
            self.at = start + name_length + size
        return self.sealed
