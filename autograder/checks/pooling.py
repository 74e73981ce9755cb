"""Hidden checks for 03_pooling: maxpool_forward, maxpool_backward.

The references loop over every window and scan it element by element, so they
share nothing with the strided solution in the notebook. The backward
reference spells out the tie rule: a later element takes the gradient only if
it is strictly larger, so the first maximum in row-major order wins.
"""

import numpy as np

from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks, compare_array
from ..references.callees.pooling import _output_size, ref_maxpool_forward


def ref_maxpool_backward(dout, x, size=2, stride=2):
    n, c, h, w = x.shape
    oh, ow = _output_size(h, size, stride), _output_size(w, size, stride)
    dx = np.zeros_like(x)
    for i in range(n):
        for k in range(c):
            for r in range(oh):
                for s in range(ow):
                    window = x[i, k, r * stride:r * stride + size, s * stride:s * stride + size]
                    best = (0, 0)
                    for a in range(size):
                        for b in range(size):
                            if window[a, b] > window[best]:
                                best = (a, b)
                    dx[i, k, r * stride + best[0], s * stride + best[1]] += dout[i, k, r, s]
    return dx


def numerical_maxpool_backward(dout, x, size=2, stride=2):
    """dx by central differences of the reference forward (valid away from ties)."""
    return numerical_gradient(lambda v: ref_maxpool_forward(v, size, stride), x, dout)


# (N, C, H, W, size, stride): H != W, C > 1, windows of 1-4, stride 1-3, strides
# that do not divide evenly, overlapping windows (stride < size) and gaps (stride > size).
SWEEP = [
    (2, 3, 8, 6, 2, 2),
    (1, 2, 7, 9, 2, 2),
    (2, 1, 7, 8, 3, 2),
    (1, 3, 6, 8, 3, 1),
    (3, 2, 9, 5, 3, 3),
    (1, 1, 10, 7, 4, 3),
    (2, 2, 5, 6, 1, 1),
    (1, 4, 11, 4, 2, 3),
    (2, 2, 6, 7, 2, 1),
]


def _label(config):
    n, c, h, w, size, stride = config
    return f"x {n}x{c}x{h}x{w}, size {size}, stride {stride}"


def _distinct(rng, shape):
    """Distinct values in [-1, 1), far apart compared with the step h = 1e-5 of the
    central differences, which therefore never cross a tie."""
    count = int(np.prod(shape))
    return rng.permutation(count).reshape(shape) * (2.0 / count) - 1.0


def _relu_like(rng, shape, shift):
    """A ReLU's output: mostly exact zeros, so many windows tie at 0."""
    return np.maximum(rng.standard_normal(shape) - shift, 0.0)


STRIDE_HINT = "windows start every `stride` pixels; there are (H - size) // stride + 1 rows of them"
START_HINT = "start the maximum from the window's first element (or -inf), not from 0"


def _forward_cases():
    rng = np.random.default_rng(3301)
    cases = []
    for config in SWEEP:
        n, c, h, w, size, stride = config
        cases.append(Case(f"maxpool_forward on {_label(config)}",
                          (rng.standard_normal((n, c, h, w)),), {"size": size, "stride": stride},
                          group="shapes", hint=STRIDE_HINT))
    impulse = np.zeros((1, 2, 5, 6))
    impulse[0, 1, 2, 3] = 1.0
    gaps = np.zeros((1, 1, 8, 8))
    gaps[0, 0, 2::3, :] = gaps[0, 0, :, 2::3] = 100.0
    cases += [
        Case("maxpool_forward on an all-negative input (x 2x3x6x4, size 2, stride 2)",
             (-1.0 - rng.random((2, 3, 6, 4)),), {"size": 2, "stride": 2}, hint=START_HINT),
        Case("maxpool_forward with the default size=2, stride=2 (x 1x2x6x8, all negative)",
             (-1.0 - rng.random((1, 2, 6, 8)),), hint="the defaults are size=2, stride=2"),
        Case("maxpool_forward of a single impulse, overlapping windows (x 1x2x5x6, size 3, stride 1)",
             (impulse,), {"size": 3, "stride": 1},
             hint="every window that contains the impulse must output 1"),
        Case("maxpool_forward of a ramp, stride not dividing evenly (x 1x1x6x7, size 3, stride 2)",
             (np.arange(42.0).reshape(1, 1, 6, 7),), {"size": 3, "stride": 2},
             hint="the last row and column are in no window: floor division, no padding"),
        Case("maxpool_forward with stride larger than the window (x 1x1x8x8, size 2, stride 3): "
             "the large values sit in rows and columns no window covers",
             (gaps,), {"size": 2, "stride": 3}, hint=STRIDE_HINT),
        Case("maxpool_forward with H != W and 3 channels (x 2x3x4x10, size 2, stride 2)",
             (rng.standard_normal((2, 3, 4, 10)),), {"size": 2, "stride": 2},
             hint="keep the axes in NCHW order: a reshape where a transpose is needed?"),
    ]
    x = rng.standard_normal((2, 3, 7, 6))
    cases += [
        Case("maxpool_forward on a read-only input (x 2x3x7x6, size 3, stride 2)",
             (x,), {"size": 3, "stride": 2}, group="inputs", readonly=True),
        Case("maxpool_forward keeps float32 (x 2x3x7x6 float32, size 2, stride 2)",
             (x.astype(np.float32),), {"size": 2, "stride": 2}, group="inputs",
             hint="build the output with dtype=x.dtype", rtol=1e-6),
    ]
    return cases


OVERLAP_HINT = ("an element that is the maximum of several windows collects the gradient of "
                "each of them: add (+=), never assign (=)")
TIE_HINT = ("when several elements of a window tie for the maximum, only the first one in "
            "row-major order gets the window's whole gradient")


def _backward_case(name, x, size, stride, group, rng, **extra):
    dout = rng.standard_normal(ref_maxpool_forward(x, size, stride).shape).astype(x.dtype)
    return Case(name, (dout, x), {"size": size, "stride": stride}, group=group, **extra)


def _backward_cases():
    rng = np.random.default_rng(3302)
    cases = []
    for config in SWEEP:
        n, c, h, w, size, stride = config
        cases.append(_backward_case(f"maxpool_backward on {_label(config)}",
                                    rng.standard_normal((n, c, h, w)), size, stride, "values", rng,
                                    hint=OVERLAP_HINT if stride < size else STRIDE_HINT))
    peak = np.zeros((1, 1, 5, 5))
    peak[0, 0, 2, 2] = 5.0
    ridge = rng.standard_normal((2, 2, 7, 9))
    ridge[:, :, 3, :] += 10.0
    cases += [
        Case("maxpool_backward where one element is the maximum of all 9 windows "
             "(x 1x1x5x5, size 3, stride 1): its gradient is the sum of dout",
             (np.arange(1.0, 10.0).reshape(1, 1, 3, 3), peak), {"size": 3, "stride": 1},
             hint=OVERLAP_HINT),
        _backward_case("maxpool_backward with a row of maxima shared by overlapping windows "
                       "(x 2x2x7x9, size 3, stride 2)", ridge, 3, 2, "values", rng,
                       hint=OVERLAP_HINT),
        Case("maxpool_backward with the default size=2, stride=2 (x 1x2x6x4)",
             (rng.standard_normal((1, 2, 3, 2)), rng.standard_normal((1, 2, 6, 4))),
             hint="the defaults are size=2, stride=2"),
    ]

    tied = np.array([[1, 3, 3, 0, 2, 2],
                     [3, 2, 0, 0, 2, 2],
                     [5, 5, 4, 2, 0, 7],
                     [5, 5, 1, 4, 7, 1]], dtype=float)[None, None]
    cases += [
        Case("maxpool_backward on hand-built tied windows (x 1x1x4x6, size 2, stride 2): ties at "
             "(0,1)/(1,0), whole windows of 2s and of 5s, at (0,0)/(1,1) and at (0,1)/(1,0)",
             (np.arange(1.0, 7.0).reshape(1, 1, 2, 3), tied), {"size": 2, "stride": 2},
             group="ties", hint=TIE_HINT),
        Case("maxpool_backward on a constant image (x 1x2x4x6, size 2, stride 2): every element ties",
             (rng.standard_normal((1, 2, 2, 3)), np.full((1, 2, 4, 6), 0.5)),
             {"size": 2, "stride": 2}, group="ties", hint=TIE_HINT),
        Case("maxpool_backward on a constant image, overlapping windows (x 1x1x5x6, size 3, stride 1)",
             (rng.standard_normal((1, 1, 3, 4)), np.zeros((1, 1, 5, 6))),
             {"size": 3, "stride": 1}, group="ties",
             hint=TIE_HINT + "; overlapping windows still add up"),
        _backward_case("maxpool_backward after a ReLU: many all-zero windows (x 2x3x8x8, size 2, stride 2)",
                       _relu_like(rng, (2, 3, 8, 8), 0.5),
                       2, 2, "ties", rng, hint=TIE_HINT),
        _backward_case("maxpool_backward after a ReLU, overlapping windows (x 1x2x7x7, size 3, stride 1)",
                       _relu_like(rng, (1, 2, 7, 7), 1.0),
                       3, 1, "ties", rng, hint=TIE_HINT + "; overlapping windows still add up"),
        _backward_case("maxpool_backward on small integers with many ties (x 2x2x7x6, size 3, stride 2)",
                       rng.integers(0, 3, (2, 2, 7, 6)).astype(float), 3, 2, "ties", rng,
                       hint=TIE_HINT),
        _backward_case("maxpool_backward after a ReLU, stride not dividing evenly (x 2x3x8x7, size 3, stride 3)",
                       _relu_like(rng, (2, 3, 8, 7), 1.5), 3, 3, "ties", rng, hint=TIE_HINT),
    ]

    for n, c, h, w, size, stride in [(2, 3, 6, 5, 2, 2), (1, 2, 7, 7, 3, 1),
                                      (2, 1, 8, 6, 3, 2), (1, 2, 9, 8, 2, 3)]:
        cases.append(_backward_case(
            f"maxpool_backward against the numerical gradient (x {n}x{c}x{h}x{w}, size {size}, "
            f"stride {stride}, distinct values)", _distinct(rng, (n, c, h, w)), size, stride,
            "gradient", rng, expect=numerical_maxpool_backward, rtol=1e-6, atol=1e-8,
            hint="dx[p] is the sum of dout over the windows whose maximum is p"))

    x = rng.standard_normal((2, 3, 7, 6))
    cases += [
        _backward_case("maxpool_backward on read-only dout and x (x 2x3x7x6, size 3, stride 2)",
                       x, 3, 2, "inputs", rng, readonly=True),
        _backward_case("maxpool_backward keeps float32 (dout and x float32, x 2x3x7x6, size 2, stride 2)",
                       x.astype(np.float32), 2, 2, "inputs", rng,
                       hint="build dx with dtype=x.dtype", rtol=1e-6),
    ]
    return cases


CHECKS = assignment_checks({
    "maxpool_forward": Check(ref_maxpool_forward, compare_array, _forward_cases),
    "maxpool_backward": Check(ref_maxpool_backward, compare_array, _backward_cases,
                              uses={"maxpool_forward": ref_maxpool_forward}),
})
