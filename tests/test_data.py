"""Tests for course.data: the digits split and the IDX readers (no downloads)."""

import gzip
import struct
from collections import Counter

import numpy as np
import pytest

from course.data import (
    DataError,
    load_digits_split,
    load_idx_pair,
    load_mnist,
    read_idx,
)

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
         np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array, code=None):
    """The IDX encoding of `array`: magic, big-endian uint32 dims, big-endian data."""
    array = np.asarray(array)
    code = CODES[array.dtype.type] if code is None else code
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, gz=False, code=None):
    data = idx_bytes(array, code)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def sample(n=7, h=5, w=4, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, h, w), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255  # both ends of the range
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def assert_one_line_naming(excinfo, *paths):
    message = str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)
    assert "\n" not in message, message
    for path in paths:
        assert str(path) in message, message


# ---------------------------------------------------------------- digits split

@pytest.fixture(scope="module")
def split():
    return load_digits_split()


def test_digits_shapes_dtypes_range(split):
    sizes = []
    for x, y in [(split.x_train, split.y_train), (split.x_val, split.y_val),
                 (split.x_test, split.y_test)]:
        assert x.dtype == np.float64 and y.dtype == np.int64
        assert x.ndim == 4 and x.shape[1:] == (1, 8, 8)
        assert y.shape == (x.shape[0],)
        assert x.min() >= 0.0 and x.max() <= 1.0
        assert set(np.unique(y)) <= set(range(10))
        sizes.append(len(y))
    assert sum(sizes) == 1797
    assert max(x.max() for x in (split.x_train, split.x_val, split.x_test)) == 1.0
    assert abs(sizes[1] - 0.15 * 1797) <= 2 and abs(sizes[2] - 0.2 * 1797) <= 2


def test_digits_stratified(split):
    overall = np.bincount(np.concatenate([split.y_train, split.y_val, split.y_test]), minlength=10)
    for y in (split.y_train, split.y_val, split.y_test):
        counts = np.bincount(y, minlength=10)
        assert np.all(counts > 0), counts
        expected = overall * len(y) / overall.sum()
        assert np.all(np.abs(counts - expected) <= 2), (counts, expected)


def test_digits_splits_partition_the_data_set(split):
    from sklearn.datasets import load_digits

    pixels, labels = load_digits(return_X_y=True)
    whole = Counter(((p / 16.0).tobytes(), int(t)) for p, t in zip(pixels, labels))
    parts = [Counter((x.reshape(-1).tobytes(), int(t)) for x, t in zip(xs, ys))
             for xs, ys in [(split.x_train, split.y_train), (split.x_val, split.y_val),
                            (split.x_test, split.y_test)]]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not (parts[i].keys() & parts[j].keys()), f"splits {i} and {j} overlap"
    assert parts[0] + parts[1] + parts[2] == whole


def test_the_stored_default_split_is_the_one_scikit_learn_makes():
    """load_digits_split() reads its default split from a file instead of importing
    scikit-learn; a scikit-learn whose split or digits have changed fails here."""
    from sklearn.datasets import load_digits

    from course import data

    pixels, labels = load_digits(return_X_y=True)
    fresh = data.split_indices(labels, *data.DEFAULT_SPLIT)
    with np.load(data.DEFAULT_SPLIT_FILE) as stored:
        for part in ("train", "val", "test"):
            assert np.array_equal(stored[part], fresh[part]), (
                f"{data.DEFAULT_SPLIT_FILE.name}'s {part} split is not scikit-learn's: rewrite it "
                "with np.savez(DEFAULT_SPLIT_FILE, **split_indices(labels, *DEFAULT_SPLIT))")
    ours = data._digits()
    assert np.array_equal(ours[0], pixels) and np.array_equal(ours[1], labels)


@pytest.mark.parametrize("name", ["china.jpg", "flower.jpg"])
def test_sample_photos_are_scikit_learns(name):
    from sklearn.datasets import load_sample_image

    from course.data import load_sample_photo

    photo = load_sample_photo(name)
    assert photo.dtype == np.uint8 and photo.shape == (427, 640, 3)
    assert np.array_equal(photo, load_sample_image(name))


def test_an_unknown_sample_photo_is_named():
    from course.data import DataError, load_sample_photo

    with pytest.raises(DataError, match="cat.jpg"):
        load_sample_photo("cat.jpg")


def test_other_splits_come_from_scikit_learn():
    from sklearn.model_selection import train_test_split

    split = load_digits_split(seed=3, val_fraction=0.1, test_fraction=0.3)
    x = np.concatenate([split.x_train, split.x_val, split.x_test])
    assert len(split.y_test) == int(np.ceil(0.3 * 1797)) and len(x) == 1797
    index = np.arange(1797)
    from course.data import _digits
    _, labels = _digits()
    _, test = train_test_split(index, test_size=0.3, stratify=labels, random_state=3)
    assert np.array_equal(split.y_test, labels[test])


def test_digits_deterministic(split):
    again = load_digits_split()
    for a, b in zip(split, again):
        np.testing.assert_array_equal(a, b)
    other = load_digits_split(seed=1)
    assert not np.array_equal(split.y_test, other.y_test)


@pytest.mark.parametrize("val, test", [(0, 0.2), (0.15, 0), (0.5, 0.5), (-0.1, 0.2), (0.2, 1.0)])
def test_digits_bad_fractions(val, test):
    with pytest.raises(ValueError, match="fraction"):
        load_digits_split(val_fraction=val, test_fraction=test)


# ---------------------------------------------------------------- read_idx

@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", list(CODES))
@pytest.mark.parametrize("shape", [(6,), (3, 5, 4), (2, 1, 3, 2)])
def test_read_idx_round_trip(tmp_path, gz, dtype, shape):
    rng = np.random.default_rng(1)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    if info:
        array = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    else:
        array = rng.standard_normal(shape).astype(dtype)
    out = read_idx(write_idx(tmp_path / "a.idx", array, gz=gz))
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    assert out.flags.writeable
    np.testing.assert_array_equal(out, array)


@pytest.mark.parametrize("gz, name", [(True, "images-no-extension"), (False, "plain.gz")])
def test_read_idx_detects_gzip_by_content(tmp_path, gz, name):
    images, _ = sample()
    out = read_idx(str(write_idx(tmp_path / name, images, gz=gz)))
    np.testing.assert_array_equal(out, images)


def _data(images):
    return idx_bytes(images)


BROKEN = {
    # name: (file bytes, or "dir" / None for a directory / no file), words in the message
    "missing": (None, ["no such file", "nothing is downloaded"]),
    "directory": ("dir", ["directory"]),
    "empty": (b"", ["not an IDX file"]),
    "bad magic": (b"<!DOCTYPE html><html>" + bytes(100), ["not an IDX file"]),
    "bad magic gz": (gzip.compress(b"PK\x03\x04 a zip file" + bytes(50)), ["not an IDX file", "gunzip"]),
    "zero dims": (b"\x00\x00\x08\x00", ["not an IDX file"]),
    "unknown dtype": (b"\x00\x00\x07\x01" + struct.pack(">I", 3) + bytes(3), ["0x07"]),
    "truncated header": (b"\x00\x00\x08\x03" + struct.pack(">I", 3), ["truncated", "16", "found 8"]),
    "truncated data": (_data(sample()[0])[:-10], ["truncated", "needs 140", "found 130"]),
    "truncated gz": (gzip.compress(_data(sample()[0]))[:-12], ["corrupt gzip"]),
    "trailing garbage": (_data(sample()[0]) + b"junk", ["trailing", "needs 140", "found 144"]),
    "corrupt gz": (b"\x1f\x8b" + bytes(range(60)), ["corrupt gzip"]),
    "bad gz crc": (gzip.compress(_data(sample()[0]))[:-8] + bytes(8), ["corrupt gzip"]),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_read_idx_errors_are_one_line_naming_the_file(tmp_path, case):
    content, words = BROKEN[case]
    path = tmp_path / "train-images-idx3-ubyte"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError) as excinfo:
        read_idx(path)
    assert_one_line_naming(excinfo, path)
    for word in words:
        assert word in str(excinfo.value), str(excinfo.value)


# ---------------------------------------------------------------- load_idx_pair

@pytest.mark.parametrize("gz", [False, True])
def test_load_idx_pair_round_trip(tmp_path, gz):
    images, labels = sample()
    x, y = load_idx_pair(write_idx(tmp_path / "img", images, gz=gz),
                         write_idx(tmp_path / "lab", labels, gz=gz))
    assert x.dtype == np.float64 and x.shape == (7, 1, 5, 4)
    assert y.dtype == np.int64 and y.shape == (7,)
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_allclose(x[:, 0], images / 255.0)
    np.testing.assert_array_equal(y, labels)


@pytest.mark.parametrize("limit", [1, 3, 7, 100])
def test_load_idx_pair_limit(tmp_path, limit):
    images, labels = sample()
    x, y = load_idx_pair(write_idx(tmp_path / "img", images), write_idx(tmp_path / "lab", labels),
                         limit=limit)
    assert len(x) == len(y) == min(limit, 7)
    np.testing.assert_array_equal(y, labels[:limit])


@pytest.mark.parametrize("limit", [0, -1, 2.5, True])
def test_load_idx_pair_bad_limit(tmp_path, limit):
    images, labels = sample()
    with pytest.raises(ValueError, match="limit"):
        load_idx_pair(write_idx(tmp_path / "img", images), write_idx(tmp_path / "lab", labels),
                      limit=limit)


def test_load_idx_pair_length_mismatch_names_both_files(tmp_path):
    images, labels = sample()
    img, lab = write_idx(tmp_path / "img", images), write_idx(tmp_path / "lab", labels[:5])
    with pytest.raises(DataError) as excinfo:
        load_idx_pair(img, lab)
    assert_one_line_naming(excinfo, img, lab)
    assert "7 images" in str(excinfo.value) and "5 labels" in str(excinfo.value)


@pytest.mark.parametrize("which", ["swapped", "images 2-D", "labels 2-D", "float images", "float labels"])
def test_load_idx_pair_wrong_kind_of_file(tmp_path, which):
    images, labels = sample()
    img, lab = tmp_path / "img", tmp_path / "lab"
    write_idx(img, {"swapped": labels, "images 2-D": images[0], "float images": images / 255.0}
              .get(which, images))
    write_idx(lab, {"swapped": images, "labels 2-D": images, "float labels": labels * 1.0}
              .get(which, labels))
    with pytest.raises(DataError) as excinfo:
        load_idx_pair(img, lab)
    assert_one_line_naming(excinfo, lab if "labels" in which else img)


# ---------------------------------------------------------------- load_mnist

@pytest.mark.parametrize("kind, prefix", [("train", "train"), ("test", "t10k")])
@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("sep", ["-", "."])
def test_load_mnist_finds_standard_names(tmp_path, kind, prefix, suffix, sep):
    images, labels = sample()
    write_idx(tmp_path / f"{prefix}-images{sep}idx3-ubyte{suffix}", images, gz=bool(suffix))
    write_idx(tmp_path / f"{prefix}-labels{sep}idx1-ubyte{suffix}", labels, gz=bool(suffix))
    x, y = load_mnist(tmp_path, kind=kind, limit=5)
    assert x.shape == (5, 1, 5, 4) and y.dtype == np.int64
    np.testing.assert_array_equal(y, labels[:5])


@pytest.mark.parametrize("have", ["nothing", "images only", "other kind only"])
def test_load_mnist_missing_files_lists_names(tmp_path, have):
    images, labels = sample()
    if have == "images only":
        write_idx(tmp_path / "train-images-idx3-ubyte.gz", images, gz=True)
    if have == "other kind only":
        write_idx(tmp_path / "t10k-images-idx3-ubyte", images)
        write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels)
    with pytest.raises(DataError) as excinfo:
        load_mnist(tmp_path, kind="train")
    assert_one_line_naming(excinfo, tmp_path)
    message = str(excinfo.value)
    assert "train-labels-idx1-ubyte" in message and "train-labels-idx1-ubyte.gz" in message
    assert ("train-images-idx3-ubyte" in message) == (have != "images only")


def test_load_mnist_missing_directory(tmp_path):
    path = tmp_path / "mnist"
    with pytest.raises(DataError) as excinfo:
        load_mnist(path)
    assert_one_line_naming(excinfo, path)


def test_load_mnist_bad_kind(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        load_mnist(tmp_path, kind="validation")
