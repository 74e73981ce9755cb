"""The job folder's codec and record stream, in process (no sandbox needed): what the harness
sends comes back as the same values, and what a student's code could plant is refused."""

import io
import json
import os
from collections import namedtuple

import numpy as np
import pytest

from autograder.grading import job, stream
from autograder.grading.job import Opaque, decode, encode
from autograder.grading.run_submission import write_records

Point = namedtuple("Point", "x y")


def sent(folder):
    """The Bundle the host parses from the stream that write_records sends for `folder`."""
    read, write = os.pipe()
    try:
        write_records(write, folder)
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as pipe:
        return stream.parse(pipe.read())


@pytest.mark.parametrize("value", [
    np.arange(12.0).reshape(3, 4), np.float32(2.5), np.int64(7), None, True, 3, 2.5, "text",
    2 ** 80, (np.zeros(2), [1, {"k": np.ones((1, 2), np.float32)}]), Point(np.ones(3), 4),
])
def test_values_come_back_unchanged(tmp_path, value):
    out = tmp_path / "out"
    out.mkdir()
    (out / "v.json").write_text(json.dumps(encode(value, out, "v")))
    bundle = sent(out)
    back = decode(bundle.json("v.json"), bundle.loader(""))
    assert type(back) is type(value) or isinstance(value, tuple) and isinstance(back, tuple)
    assert repr(back) == repr(value)


def test_a_read_only_array_stays_read_only(tmp_path):
    value = np.ones(3)
    value.setflags(write=False)
    desc = encode(value, tmp_path, "a")
    assert not decode(desc, lambda name: np.load(tmp_path / name)).flags.writeable


def test_an_object_the_codec_does_not_know_travels_as_text(tmp_path):
    back = decode(encode(object(), tmp_path, "o"), None)
    assert isinstance(back, Opaque)


def test_links_fifos_and_folders_are_never_sent(tmp_path):
    out = tmp_path / "out"
    (out / "calls").mkdir(parents=True)
    (out / "calls" / "ok.json").write_text("1")
    secret = tmp_path / "secret"
    secret.write_text("hidden")
    (out / "link.json").symlink_to(secret)
    os.mkfifo(out / "fifo.json")
    assert sent(out).names() == ["calls/ok.json"]


def test_pickled_arrays_are_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (out / "a.npy").write_bytes(buffer.getvalue())
    (out / "v.json").write_text(json.dumps({"t": "array", "f": "a.npy"}))
    bundle = sent(out)
    with pytest.raises(ValueError):
        decode(bundle.json("v.json"), bundle.loader(""))


@pytest.mark.parametrize("data,words", [
    (b"[" * 100 + b"]" * 100, "nested"), (b"{not json", "not JSON"),
    (b"1" * (stream.MAX_RECORD_BYTES + 1), "limit"),
])
def test_json_from_outside_is_checked_before_parsing(data, words):
    with pytest.raises(stream.BadData, match=words):
        stream.loads(data)


def test_a_cut_or_forged_stream_keeps_only_whole_records(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("1")
    (out / "b.json").write_text("2" * 100)
    read, write = os.pipe()
    write_records(write, out)
    os.close(write)
    data = os.fdopen(read, "rb").read()
    cut = stream.parse(data[:-10])
    assert cut.names() == ["a.json"] and cut.damaged
    assert stream.parse(b"").damaged == "the run sent no results"
    assert stream.parse(b"junk").damaged == "the results are damaged"


def test_names_are_keys_never_paths(tmp_path):
    bundle = stream.Bundle({"../../etc/passwd": b"x"})
    with pytest.raises(stream.BadData):
        bundle.loader("calls/")("../../etc/passwd")
    assert bundle.json("../../etc/passwd") is None


def test_the_host_reads_only_regular_files_through_no_link(tmp_path):
    target = tmp_path / "t"
    target.write_text("x")
    (tmp_path / "link").symlink_to(target)
    os.mkfifo(tmp_path / "fifo")
    for name, words in (("link", "cannot be opened"), ("fifo", "not a regular file")):
        with pytest.raises(stream.BadData, match=words):
            stream.read_regular(tmp_path / name, 100)
    with pytest.raises(stream.BadData, match="limit"):
        stream.read_regular(target, 0)


# ---------------------------------------------------------------- the two stages

def two_stage_stream(first, second, forged_seal_at=None):
    """The bytes a harness sends: `first`'s records, the seal, then `second`'s."""
    records = [job.record(name, data) for name, data in first.items()]
    if forged_seal_at is not None:
        records.insert(forged_seal_at, job.record(job.SEAL, b""))
    return (job.RECORDS_MAGIC + b"".join(records) + job.record(job.SEAL, b"")
            + b"".join(job.record(name, data) for name, data in second.items()))


def test_records_after_the_seal_are_the_later_bundle():
    data = two_stage_stream({"calls/a/0.json": b"1", "kernel.json": b"{}"},
                            {"calls/b/0.json": b"2", "calls/a/0.json": b"forged"})
    bundle = stream.parse(data)
    assert bundle.records == {"calls/a/0.json": b"1", "kernel.json": b"{}"}
    assert bundle.later.records == {"calls/b/0.json": b"2", "calls/a/0.json": b"forged"}
    bundle.take(bundle.later, ("calls/b/",))
    assert bundle.records == {"calls/a/0.json": b"1", "kernel.json": b"{}", "calls/b/0.json": b"2"}


def test_a_forged_early_seal_only_loses_the_first_stage():
    """Whoever seals early gets the references early, but everything after the first seal
    counts for the second stage's functions alone: the first stage's results are lost."""
    data = two_stage_stream({"calls/a/0.json": b"1", "calls/a/1.json": b"2"}, {}, forged_seal_at=1)
    bundle = stream.parse(data)
    bundle.take(bundle.later, ("calls/b/",))
    assert bundle.records == {"calls/a/0.json": b"1"}


def test_a_stream_without_a_seal_has_an_empty_later_bundle():
    bundle = stream.parse(job.RECORDS_MAGIC + job.record("calls/b/0.json", b"x"))
    bundle.take(bundle.later, ("calls/b/",))
    assert bundle.records == {} and not bundle.damaged


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_the_seal_is_seen_as_the_bytes_arrive(chunk):
    data = two_stage_stream({"calls/a/0.json": b"x" * 100, "kernel.json": b"{}"}, {"b": b"y"})
    seal_end = data.index(job.SEAL.encode()) + len(job.SEAL)
    watch, seen = stream.SealWatch(), bytearray()
    for start in range(0, len(data), chunk):
        seen += data[start:start + chunk]
        assert watch.feed(seen) == (len(seen) >= seal_end)


@pytest.mark.parametrize("data", [b"garbage" * 10, job.RECORDS_MAGIC + b"\xff" * 12 + job.SEAL.encode()])
def test_no_seal_is_seen_in_a_damaged_stream(data):
    assert not stream.SealWatch().feed(data)


def test_a_file_named_like_the_seal_cannot_exist(tmp_path):
    with pytest.raises(ValueError):
        (tmp_path / job.SEAL).write_text("x")


def test_references_are_packed_and_unpacked_unchanged():
    files = {"autograder/__init__.py": b"", "autograder/references/callees/im2col.py": b"def f(): ..."}
    assert job.unpack_files(job.pack_files(files)) == files


@pytest.mark.parametrize("name", ["../outside.py", "/etc/passwd", "a/../../b.py"])
def test_unpacked_references_stay_in_their_folder(name):
    with pytest.raises(ValueError):
        job.unpack_files(job.pack_files({name: b"x"}))


def test_a_cut_reference_stream_is_refused():
    with pytest.raises(ValueError):
        job.unpack_files(job.pack_files({"a.py": b"x" * 100})[:-10])
