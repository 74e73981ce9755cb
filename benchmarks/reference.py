"""The layers under test: the taught solutions from source/, the tuned references that
grading uses (autograder/references/layers.py), and naive loop versions.

The taught code is read from the solution cells of the source notebooks (no notebook
is executed) and run in one namespace, in course order, so that conv_forward calls the
im2col of assignment 01, exactly as in the solution notebooks.
"""

from pathlib import Path

import numpy as np

from autograder.checks.im2col import _padded

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = (
    "source/01_im2col/im2col.ipynb",
    "source/02_convolution/convolution.ipynb",
    "source/03_pooling/pooling.ipynb",
)
FUNCTIONS = ("conv_output_size", "im2col", "col2im", "conv_forward", "conv_backward",
             "maxpool_forward", "maxpool_backward")


def load_taught(variant=None):
    """{name: function} for FUNCTIONS, from source/'s solutions; a variant file's functions
    override them.

    A variant is a Python file of top-level functions (say, a proposed faster
    solution); it runs in the same namespace after the reference code, so the functions
    it defines replace the reference ones everywhere, and the ones it does not define
    are still the reference ones.
    """
    from autograder.building.submissions import solution_sources

    namespace = {"np": np, "__name__": "reference"}
    for notebook in NOTEBOOKS:
        for code in solution_sources(ROOT / notebook).values():
            exec(compile(code, notebook, "exec"), namespace)
    if variant is not None:
        exec(compile(Path(variant).read_text(), str(variant), "exec"), namespace)
    missing = [name for name in FUNCTIONS if name not in namespace]
    if missing:
        raise RuntimeError(f"not defined by the solution cells: {', '.join(missing)}")
    return {name: namespace[name] for name in FUNCTIONS}


def load_tuned():
    """{name: function} of the layers the benchmark times, from the tuned references."""
    from autograder.references.layers import LAYERS

    return {name: LAYERS[name] for name in ("conv_forward", "conv_backward",
                                            "maxpool_forward", "maxpool_backward")}


# Naive loops: the straightforward code that vectorisation replaces. One NumPy window
# product per output element (not a scalar loop over channels and kernel offsets, which
# would be slower still), as in a first loop-based implementation.

def naive_conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh, ow = (h + 2 * pad - kh) // stride + 1, (width + 2 * pad - kw) // stride + 1
    xp = _padded(x, pad)
    out = np.zeros((n, f, oh, ow), dtype=x.dtype)
    for i in range(n):
        for k in range(f):
            for r in range(oh):
                for s in range(ow):
                    window = xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw]
                    out[i, k, r, s] = np.sum(window * w[k]) + b[k]
    return out


def naive_conv_backward(dout, x, w, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    _, _, oh, ow = dout.shape
    xp = _padded(x, pad)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(n):
        for k in range(f):
            for r in range(oh):
                for s in range(ow):
                    rows = slice(r * stride, r * stride + kh)
                    cols = slice(s * stride, s * stride + kw)
                    dw[k] += dout[i, k, r, s] * xp[i, :, rows, cols]
                    dxp[i, :, rows, cols] += dout[i, k, r, s] * w[k]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, pad:pad + h, pad:pad + width], dw, db
