"""Hidden checks for 01_im2col: conv_output_size, im2col, col2im.

The references loop over output positions, so they share nothing with the
strided solution in the notebook.
"""

import numpy as np

from .cases import Case, Check, assignment_checks, compare_array, compare_int
from ..references.callees.im2col import ref_conv_output_size


def _padded(x, pad):
    n, c, h, w = x.shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    return xp


def ref_im2col(x, kh, kw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = ref_conv_output_size(h, kh, stride, pad)
    ow = ref_conv_output_size(w, kw, stride, pad)
    xp = _padded(x, pad)
    cols = np.empty((n * oh * ow, c * kh * kw), dtype=x.dtype)
    row = 0
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                window = xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw]
                cols[row] = window.reshape(-1)
                row += 1
    return cols


def ref_col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    n, c, h, w = x_shape
    oh = ref_conv_output_size(h, kh, stride, pad)
    ow = ref_conv_output_size(w, kw, stride, pad)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    row = 0
    for i in range(n):
        for r in range(oh):
            for s in range(ow):
                xp[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw] += (
                    cols[row].reshape(c, kh, kw))
                row += 1
    return xp[:, :, pad:pad + h, pad:pad + w]


# (N, C, H, W, kh, kw, stride, pad): H != W, non-square kernels, stride 1-3,
# pad 0-2, strides that do not divide evenly, overlapping windows.
SWEEP = [
    (2, 3, 7, 5, 3, 3, 1, 1),
    (1, 2, 6, 9, 2, 3, 2, 0),
    (3, 1, 8, 8, 3, 3, 2, 1),
    (2, 2, 9, 7, 3, 2, 3, 2),
    (1, 4, 5, 6, 1, 1, 1, 0),
    (2, 1, 10, 4, 4, 2, 3, 0),
    (1, 3, 7, 7, 5, 5, 1, 2),
    (2, 2, 4, 11, 2, 4, 1, 1),
]


def _label(config):
    n, c, h, w, kh, kw, stride, pad = config
    return f"x {n}x{c}x{h}x{w}, kernel {kh}x{kw}, stride {stride}, pad {pad}"


def _output_size_cases():
    cases = []
    for size, k, stride, pad in [(5, 3, 1, 0), (7, 3, 2, 1), (8, 3, 2, 0), (10, 4, 3, 2),
                                 (28, 5, 1, 2), (6, 2, 2, 0), (9, 3, 3, 0), (11, 4, 2, 1),
                                 (3, 3, 1, 0), (4, 1, 3, 2)]:
        cases.append(Case(f"conv_output_size({size}, {k}, stride={stride}, pad={pad})",
                          (size, k), {"stride": stride, "pad": pad},
                          hint="(size + 2*pad - k) // stride + 1"))
    return cases


def _im2col_cases():
    rng = np.random.default_rng(1101)
    cases = []
    for config in SWEEP:
        n, c, h, w, kh, kw, stride, pad = config
        x = rng.standard_normal((n, c, h, w))
        cases.append(Case(f"im2col on {_label(config)}", (x, kh, kw),
                          {"stride": stride, "pad": pad}, group="shapes",
                          hint="rows are (n, oh, ow), columns are (c, i, j)"))
    impulse = np.zeros((1, 2, 5, 6))
    impulse[0, 1, 2, 3] = 1.0
    cases += [
        Case("im2col of a single impulse (x 1x2x5x6, kernel 3x2, stride 1, pad 0)",
             (impulse, 3, 2), {"stride": 1, "pad": 0},
             hint="each value must land in the column (c, i, j) of its window"),
        Case("im2col with pad 0 (x 2x2x6x5, kernel 2x2, stride 2)",
             (rng.standard_normal((2, 2, 6, 5)), 2, 2), {"stride": 2, "pad": 0},
             hint="x[:, :, p:-p, p:-p] is empty when p == 0"),
        Case("im2col with stride smaller than the kernel (x 1x1x6x6, kernel 3x3, stride 2, pad 1)",
             (np.arange(36.0).reshape(1, 1, 6, 6), 3, 3), {"stride": 2, "pad": 1},
             hint="windows start every `stride` pixels; padding adds zeros on all four borders"),
        Case("im2col of a constant image with pad 2 (border must be exactly zero)",
             (np.ones((1, 1, 3, 4)), 3, 3), {"stride": 1, "pad": 2},
             hint="pad only the two spatial axes, with zeros"),
    ]
    x = rng.standard_normal((2, 3, 6, 7))
    cases += [
        Case("im2col on a read-only input (x 2x3x6x7, kernel 3x3, stride 1, pad 1)",
             (x, 3, 3), {"stride": 1, "pad": 1}, group="inputs", readonly=True),
        Case("im2col keeps float32 (x 2x3x6x7 float32, kernel 3x3, stride 2, pad 1)",
             (x.astype(np.float32), 3, 3), {"stride": 2, "pad": 1}, group="inputs",
             hint="np.zeros(..., dtype=x.dtype)", rtol=1e-6),
    ]
    return cases


def _col2im_cases():
    rng = np.random.default_rng(1102)
    cases = []
    for config in SWEEP:
        n, c, h, w, kh, kw, stride, pad = config
        rows = n * ref_conv_output_size(h, kh, stride, pad) * ref_conv_output_size(w, kw, stride, pad)
        cols = rng.standard_normal((rows, c * kh * kw))
        cases.append(Case(f"col2im back to {_label(config)}", (cols, (n, c, h, w), kh, kw),
                          {"stride": stride, "pad": pad}, group="shapes",
                          hint="the output has x_shape; padding is cut off at the end"))
    cases += [
        Case("col2im of all ones, overlapping 3x3 windows, stride 1 (each pixel counts its windows)",
             (np.ones((16, 9)), (1, 1, 6, 6), 3, 3), {"stride": 1, "pad": 0},
             hint="overlapping windows must add up (+=), not overwrite"),
        Case("col2im with overlaps and padding (x 2x2x5x4, kernel 3x3, stride 1, pad 1)",
             (rng.standard_normal((40, 18)), (2, 2, 5, 4), 3, 3), {"stride": 1, "pad": 1},
             hint="overlapping windows must add up; drop the padded border at the end"),
        Case("col2im with pad 0 and stride 2 over a 3x3 kernel (x 1x3x7x7)",
             (rng.standard_normal((9, 27)), (1, 3, 7, 7), 3, 3), {"stride": 2, "pad": 0},
             hint="x[:, :, p:-p, p:-p] is empty when p == 0; windows overlap on one row"),
        Case("col2im with a non-square kernel and stride 3 (x 1x2x8x9, kernel 2x4, pad 2)",
             (rng.standard_normal((16, 16)), (1, 2, 8, 9), 2, 4), {"stride": 3, "pad": 2},
             hint="rows are (n, oh, ow), columns are (c, i, j)"),
    ]
    cols = rng.standard_normal((2 * 6 * 7, 3 * 9))
    cases += [
        Case("col2im on a read-only input (x 2x3x6x7, kernel 3x3, stride 1, pad 1)",
             (cols, (2, 3, 6, 7), 3, 3), {"stride": 1, "pad": 1}, group="inputs", readonly=True),
        Case("col2im keeps float32 (x 2x3x6x7, kernel 3x3, stride 1, pad 1)",
             (cols.astype(np.float32), (2, 3, 6, 7), 3, 3), {"stride": 1, "pad": 1},
             group="inputs", hint="np.zeros(..., dtype=cols.dtype)", rtol=1e-5, atol=1e-5),
    ]
    return cases


CHECKS = assignment_checks({
    "conv_output_size": Check(ref_conv_output_size, compare_int, _output_size_cases),
    "im2col": Check(ref_im2col, compare_array, _im2col_cases,
                    uses={"conv_output_size": ref_conv_output_size}),
    "col2im": Check(ref_col2im, compare_array, _col2im_cases,
                    uses={"conv_output_size": ref_conv_output_size}),
})
