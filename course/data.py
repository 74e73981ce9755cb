"""Data sets for the final notebook, as float64 NCHW images and int64 labels.

`load_digits_split` uses scikit-learn's bundled 8x8 handwritten digits, so it
always works offline; `load_sample_photo` one of its two bundled photos.
`load_mnist`, `load_idx_pair` and `read_idx` read MNIST or Fashion-MNIST IDX files
that you already have. Nothing here ever downloads.
"""

import gzip
import importlib.util
import os
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

# IDX type codes -> big-endian NumPy dtypes (http://yann.lecun.com/exdb/mnist/).
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_FRESH_COPY = "copy or extract the file again from the original you have"


class DataError(ValueError):
    """A data file is missing or malformed; the message is one line naming it and the fix."""


class DigitsSplit(NamedTuple):
    """Train/validation/test arrays; unpack it or use the field names."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


DEFAULT_SPLIT = (0, 0.15, 0.2)    # load_digits_split's defaults: seed, val_fraction, test_fraction
DEFAULT_SPLIT_FILE = Path(__file__).with_name("digits_default_split.npz")


def load_digits_split(seed=0, val_fraction=0.15, test_fraction=0.2):
    """scikit-learn's 1797 handwritten digits, split into train, validation and test.

    Inputs:
    - seed: random_state of the split; the same seed always gives the same split
    - val_fraction, test_fraction: fractions of the whole data set

    Returns a `DigitsSplit` with:
    - x_train, x_val, x_test: float64 images of shape (N, 1, 8, 8), in [0, 1]
    - y_train, y_val, y_test: int64 labels 0..9 of shape (N,)
    Every split holds every class in about the proportions of the whole set.
    """
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"val_fraction={val_fraction} and test_fraction={test_fraction} must each be "
            "between 0 and 1 and leave something for training (sum below 1)"
        )
    pixels, labels = _digits()
    # Pixel values are counts 0..16 (the original 32x32 bitmaps in 4x4 blocks).
    x = (pixels / 16.0).reshape(-1, 1, 8, 8).astype(np.float64)
    y = labels.astype(np.int64)
    if (seed, val_fraction, test_fraction) == DEFAULT_SPLIT:
        # scikit-learn's own split of the defaults, stored (tests/test_data.py checks it is
        # still the one scikit-learn makes): importing scikit-learn to make it takes 1.5 s
        with np.load(DEFAULT_SPLIT_FILE) as stored:
            parts = {name: stored[name] for name in ("train", "val", "test")}
    else:
        parts = split_indices(y, seed, val_fraction, test_fraction)
    return DigitsSplit(x[parts["train"]], y[parts["train"]], x[parts["val"]], y[parts["val"]],
                       x[parts["test"]], y[parts["test"]])


def _digits():
    """(pixels (1797, 64) float64, labels (1797,) int64), read from the file scikit-learn ships
    them in, as its load_digits does, without importing scikit-learn."""
    data = np.loadtxt(_sklearn_datasets() / "data" / "digits.csv.gz", delimiter=",")
    return data[:, :-1], data[:, -1].astype(np.int64)


def load_sample_photo(name="china.jpg"):
    """One of the two photos scikit-learn ships, "china.jpg" or "flower.jpg", as uint8 of shape
    (427, 640, 3): what sklearn.datasets.load_sample_image gives, without importing
    scikit-learn (1.5 s)."""
    from PIL import Image

    path = _sklearn_datasets() / "images" / name
    if not path.is_file():
        raise DataError(f"no sample photo {name!r} — use 'china.jpg' or 'flower.jpg'")
    with Image.open(path) as photo:
        return np.asarray(photo)


def _sklearn_datasets():
    """The folder of scikit-learn's bundled data, found without importing scikit-learn."""
    package = importlib.util.find_spec("sklearn")
    if package is None:
        raise DataError("scikit-learn is not installed — `pip install scikit-learn`: its "
                        "bundled digits are the course's default data")
    return Path(package.submodule_search_locations[0]) / "datasets"


def split_indices(y, seed, val_fraction, test_fraction):
    """{"train", "val", "test": indices into y}: scikit-learn's stratified train_test_split,
    first the test set off the whole, then the validation set off the rest."""
    from sklearn.model_selection import train_test_split

    everything = np.arange(len(y))
    rest, test = train_test_split(everything, test_size=test_fraction, stratify=y,
                                  random_state=seed)
    # val_fraction is of the whole set, so rescale it to the part that is left.
    train, val = train_test_split(rest, test_size=val_fraction / (1 - test_fraction),
                                  stratify=y[rest], random_state=seed)
    return {"train": train, "val": val, "test": test}


def _shape_text(dims):
    return "x".join(str(d) for d in dims)


def _read_bytes(path):
    name = os.fspath(path)
    p = Path(path)
    if p.is_dir():
        raise DataError(
            f"{name} is a directory, not a file — give the path of an IDX file inside it, "
            f"or call load_mnist({name!r}) to find the standard MNIST file names there"
        )
    if not p.exists():
        raise DataError(
            f"no such file: {name} — give the path of an MNIST/Fashion-MNIST IDX file "
            "you already have; nothing is downloaded"
        )
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {name} ({exc.strerror}) — check its permissions") from exc
    # Detect gzip by content: files get renamed, and some tools unpack silently.
    if raw[:2] != _GZIP_MAGIC:
        return raw, False
    try:
        return gzip.decompress(raw), True
    except (OSError, EOFError, zlib.error) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DataError(
            f"{name} is a corrupt gzip file ({reason}) — the copy is incomplete or damaged; "
            f"{_FRESH_COPY}"
        ) from exc


def read_idx(path):
    """Read an IDX file (the MNIST / Fashion-MNIST format), gzipped or not.

    Inputs:
    - path: str or path-like; gzip is recognised by its magic bytes, not the name

    Returns:
    - array of the shape in the file's header (e.g. (60000, 28, 28) images or
      (60000,) labels), with the file's dtype in native byte order

    Raises DataError (one line naming the file and the fix) if the file is
    missing, a directory, corrupt gzip, not IDX, or of the wrong length.
    """
    name = os.fspath(path)
    data, gzipped = _read_bytes(path)
    what = "after gunzip, " if gzipped else ""
    # Header: two zero bytes, the type code, the number of dimensions, then
    # one big-endian uint32 per dimension.
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[3] == 0:
        start = " ".join(f"{b:02x}" for b in data[:4]) or "nothing"
        raise DataError(
            f"{name} is not an IDX file ({what}it starts with {start}, not 00 00 <type> <ndim>) "
            "— give an MNIST/Fashion-MNIST file such as train-images-idx3-ubyte.gz"
        )
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} {t.name}" for c, t in IDX_DTYPES.items())
        raise DataError(
            f"{name} has unknown IDX data type code 0x{code:02X} (known: {known}) "
            f"— the file is damaged or not IDX; {_FRESH_COPY}"
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise DataError(
            f"{name} is truncated: {what}its header needs {header_size} bytes for "
            f"{ndim} dimensions but found {len(data)} — {_FRESH_COPY}"
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(dims, dtype=object)) * dtype.itemsize
    found = len(data) - header_size
    if found != expected:
        problem = "is truncated" if found < expected else "has trailing garbage"
        raise DataError(
            f"{name} {problem}: {what}shape {_shape_text(dims)} of {dtype.name} needs "
            f"{expected} data bytes but found {found} — {_FRESH_COPY}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(dims)
    # astype copies, so the result is writable and in native byte order.
    return array.astype(dtype.newbyteorder("="))


def load_idx_pair(images_path, labels_path, limit=None):
    """Images and labels from a pair of IDX files, ready for a CNN.

    Inputs:
    - images_path: IDX file of uint8 images, shape (N, H, W)
    - labels_path: IDX file of integer labels, shape (N,)
    - limit: keep only the first `limit` examples (None keeps all)

    Returns:
    - x: float64 of shape (N, 1, H, W), pixel values / 255, so in [0, 1]
    - y: int64 of shape (N,)
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be None or a positive int, not {limit!r}")
    images, labels = read_idx(images_path), read_idx(labels_path)
    img_name, lab_name = os.fspath(images_path), os.fspath(labels_path)
    if images.ndim != 3:
        raise DataError(
            f"{img_name} holds shape {images.shape}, not images (N, H, W) — pass an images "
            "file (…-images-idx3-ubyte) first and a labels file second"
        )
    if labels.ndim != 1:
        raise DataError(
            f"{lab_name} holds shape {labels.shape}, not labels (N,) — pass an images "
            "file first and a labels file (…-labels-idx1-ubyte) second"
        )
    if images.dtype != np.uint8:
        raise DataError(
            f"{img_name} holds {images.dtype} values, not uint8 pixels 0..255 — "
            "give an MNIST/Fashion-MNIST images file"
        )
    if labels.dtype.kind not in "iu":
        raise DataError(
            f"{lab_name} holds {labels.dtype} values, not integer labels — "
            "give an MNIST/Fashion-MNIST labels file"
        )
    if len(images) != len(labels):
        raise DataError(
            f"{img_name} has {len(images)} images but {lab_name} has {len(labels)} labels "
            "— use the images and labels files of the same set (both train or both t10k)"
        )
    images, labels = images[:limit], labels[:limit]
    x = (images.astype(np.float64) / 255.0)[:, None, :, :]
    return x, labels.astype(np.int64)


def _find(directory, stem):
    # Plain first (no gunzip needed); Windows unzippers often turn the first "-" into ".".
    names = [stem, stem + ".gz"]
    dotted = stem.replace("-idx", ".idx", 1)
    names += [dotted, dotted + ".gz"]
    for n in names:
        if (directory / n).is_file():
            return directory / n, names
    return None, names


def load_mnist(directory, kind="train", limit=None):
    """MNIST or Fashion-MNIST from a directory holding the standard IDX file names.

    Inputs:
    - directory: folder with e.g. train-images-idx3-ubyte(.gz) and
      train-labels-idx1-ubyte(.gz), or the t10k-… files for the test set
    - kind: "train" or "test" (the t10k files)
    - limit: keep only the first `limit` examples (None keeps all)

    Returns:
    - x: float64 of shape (N, 1, 28, 28) in [0, 1]
    - y: int64 of shape (N,)
    """
    prefixes = {"train": "train", "test": "t10k", "t10k": "t10k"}
    if kind not in prefixes:
        raise ValueError(f"kind must be 'train' or 'test', not {kind!r}")
    name = os.fspath(directory)
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(
            f"no such directory: {name} — give the folder that holds the MNIST/Fashion-MNIST "
            "IDX files you already have; nothing is downloaded"
        )
    prefix = prefixes[kind]
    images, image_names = _find(directory, f"{prefix}-images-idx3-ubyte")
    labels, label_names = _find(directory, f"{prefix}-labels-idx1-ubyte")
    missing = [names for path, names in ((images, image_names), (labels, label_names)) if path is None]
    if missing:
        looked = "; ".join(" or ".join(names) for names in missing)
        raise DataError(
            f"{name} has no MNIST {kind} file: looked for {looked} — put the IDX files "
            "you already have there; nothing is downloaded"
        )
    return load_idx_pair(images, labels, limit=limit)
