"""Hidden checks for 02_convolution: conv_forward, conv_backward.

The references loop over output positions (one small tensordot per window),
so they share nothing with the im2col + matrix-product solution. The students'
functions run with the reference im2col, col2im and conv_output_size in place
of their own, so a bug from 01_im2col does not cost points twice.
"""

import numpy as np

from course.feedback import check_dtype, check_tuple
from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks, compare_array
from .im2col import _padded, ref_col2im, ref_conv_output_size, ref_im2col

USES = {"conv_output_size": ref_conv_output_size, "im2col": ref_im2col, "col2im": ref_col2im}


def _window(xp, i, j, kh, kw, stride):
    return xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]


def ref_conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = ref_conv_output_size(h, kh, stride, pad)
    ow = ref_conv_output_size(width, kw, stride, pad)
    xp = _padded(x, pad)
    out = np.empty((n, f, oh, ow), dtype=np.result_type(x, w, b))
    for i in range(oh):
        for j in range(ow):
            window = _window(xp, i, j, kh, kw, stride)
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def ref_conv_backward(dout, x, w, stride=1, pad=0):
    f, _, kh, kw = w.shape
    _, _, oh, ow = dout.shape
    xp = _padded(x, pad)
    dxp = np.zeros_like(xp, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, x))
    for i in range(oh):
        for j in range(ow):
            window = _window(xp, i, j, kh, kw, stride)
            g = dout[:, :, i, j]                                  # (N, F)
            _window(dxp, i, j, kh, kw, stride)[...] += np.tensordot(g, w, axes=(1, 0))
            dw += np.tensordot(g, window, axes=(0, 0))
    h, width = x.shape[2:]
    return dxp[:, :, pad:pad + h, pad:pad + width], dw, dout.sum(axis=(0, 2, 3))


def numerical_conv_backward(dout, x, w, stride=1, pad=0):
    """(dx, dw, db) by central differences of the reference forward pass, in float64."""
    b = np.zeros(w.shape[0])
    dx = numerical_gradient(lambda v: ref_conv_forward(v, w, b, stride, pad), x, dout)
    dw = numerical_gradient(lambda v: ref_conv_forward(x, v, b, stride, pad), w, dout)
    db = numerical_gradient(lambda v: ref_conv_forward(x, w, v, stride, pad), b, dout)
    return dx, dw, db


def compare_gradients(actual, expected, what, case):
    check_tuple(actual, expected, ("dx", "dw", "db"), what, rtol=case.rtol, atol=case.atol)
    for name, got, want in zip(("dx", "dw", "db"), actual, expected):
        check_dtype(got, want.dtype, f"{what}, {name}")


# (N, C, H, W, F, kh, kw, stride, pad): H != W, C > 1, F > 1, non-square kernels,
# stride 1-3, pad 0-2, strides that do not divide evenly, overlapping windows.
SWEEP = [
    (2, 3, 6, 5, 4, 3, 3, 1, 1),
    (1, 2, 6, 9, 3, 2, 3, 2, 0),
    (3, 1, 8, 8, 2, 3, 3, 2, 1),
    (2, 2, 9, 7, 3, 3, 2, 3, 2),
    (1, 4, 5, 6, 5, 1, 1, 1, 0),
    (2, 1, 10, 4, 2, 4, 2, 3, 0),
    (1, 3, 7, 7, 2, 5, 5, 1, 2),
    (2, 2, 4, 11, 3, 2, 4, 1, 1),
]
# small enough for central differences of every input
GRADIENT_SWEEP = [
    (2, 3, 5, 4, 2, 3, 3, 1, 1),
    (1, 2, 7, 6, 3, 3, 2, 2, 0),
    (2, 2, 6, 7, 2, 2, 3, 3, 2),
    (1, 1, 5, 5, 2, 3, 3, 2, 1),
]


def _label(config):
    n, c, h, w, f, kh, kw, stride, pad = config
    return f"x {n}x{c}x{h}x{w}, w {f}x{c}x{kh}x{kw}, stride {stride}, pad {pad}"


def _random(rng, config):
    n, c, h, w, f, kh, kw, stride, pad = config
    x = rng.standard_normal((n, c, h, w))
    weights = rng.standard_normal((f, c, kh, kw))
    return x, weights, rng.standard_normal(f), {"stride": stride, "pad": pad}


def _dout(rng, x, w, stride, pad):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    return rng.standard_normal((n, f, ref_conv_output_size(h, kh, stride, pad),
                                ref_conv_output_size(width, kw, stride, pad)))


# the first failing case of a group is the one a student reads: deterministic
# cases with a pointed hint come before random ones
FORWARD_HINT = ("out[n, f, i, j] = b[f] + sum(w[f] * window at (i*stride, j*stride)); "
                "OH comes from H and kh, OW from W and kw")
BACKWARD_HINT = ("dx has the shape of x, dw of w, db of b; dout becomes rows (n, oh, ow) like "
                 "cols with transpose(0, 2, 3, 1) before the reshape")


def _forward_cases():
    rng = np.random.default_rng(2201)
    cases = []
    for config in SWEEP:
        x, w, b, kwargs = _random(rng, config)
        cases.append(Case(f"conv_forward on {_label(config)}", (x, w, b), kwargs, group="shapes",
                          hint=FORWARD_HINT))
    impulse = np.zeros((1, 1, 5, 5))
    impulse[0, 0, 2, 2] = 1.0
    cases += [
        Case("conv_forward of a single impulse with the asymmetric kernel [[1, 2, 0], [-1, 0, 3]]",
             (impulse, np.array([[[[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]]]]), np.zeros(1)),
             {"stride": 1, "pad": 0},
             hint="convolution here is cross-correlation, as in PyTorch: do not flip the kernel"),
        Case("conv_forward of arange(20) as 1x1x4x5 with the kernel [[1, 2], [3, 4]] and bias 1",
             (np.arange(20.0).reshape(1, 1, 4, 5), np.array([[[[1.0, 2.0], [3.0, 4.0]]]]),
              np.ones(1)), {"stride": 1, "pad": 0},
             hint="out[n, f, i, j] = sum(window * w[f]) + b[f], without flipping the kernel"),
        Case("conv_forward with zero weights: each output map is its filter's bias (F = 3)",
             (rng.standard_normal((2, 2, 5, 4)), np.zeros((3, 2, 3, 3)), np.array([1.0, -2.0, 3.0])),
             {"stride": 1, "pad": 1},
             hint="add b[f] to every position of filter f's output map"),
        Case("conv_forward with pad 0 and stride 2 (x 2x2x7x6, w 3x2x3x3)",
             _random(rng, (2, 2, 7, 6, 3, 3, 3, 2, 0))[:3], {"stride": 2, "pad": 0},
             hint="pass stride and pad on to im2col; do not hard-code them"),
        Case("conv_forward where the stride skips the last rows (x 1x2x8x7, w 2x2x2x2, stride 3)",
             _random(rng, (1, 2, 8, 7, 2, 2, 2, 3, 0))[:3], {"stride": 3, "pad": 0},
             hint="OH = (H + 2*pad - kh) // stride + 1: the floor drops the last rows"),
        Case("conv_forward with a 1x1 kernel mixing 3 channels into 2 filters (x 2x3x4x5)",
             _random(rng, (2, 3, 4, 5, 2, 1, 1, 1, 0))[:3], {"stride": 1, "pad": 0},
             hint="each output sums over the channels c as well as the window"),
        Case("conv_forward with a kernel covering the whole padded image (OH = OW = 1)",
             _random(rng, (2, 2, 3, 4, 3, 5, 6, 1, 1))[:3], {"stride": 2, "pad": 1},
             hint="one window per image: out has shape (N, F, 1, 1)"),
    ]
    for config in [(2, 3, 8, 6, 4, 3, 3, 2, 1), (1, 2, 9, 10, 3, 3, 2, 3, 0),
                   (3, 2, 5, 7, 2, 2, 2, 1, 2)]:
        x, w, b, kwargs = _random(rng, config)
        cases.append(Case(f"conv_forward values on {_label(config)}", (x, w, b), kwargs,
                          hint="cols @ w.reshape(F, -1).T has rows (n, oh, ow): reshape to "
                               "(N, OH, OW, F), then transpose to (N, F, OH, OW)"))
    x, w, b, kwargs = _random(rng, (2, 3, 6, 7, 4, 3, 3, 1, 1))
    cases += [
        Case("conv_forward on read-only inputs (x 2x3x6x7, w 4x3x3x3, stride 1, pad 1)",
             (x, w, b), kwargs, group="inputs", readonly=True),
        Case("conv_forward keeps float32 (x, w, b float32; x 2x3x6x7, w 4x3x3x3, stride 2, pad 1)",
             (x.astype(np.float32), w.astype(np.float32), b.astype(np.float32)),
             {"stride": 2, "pad": 1}, group="inputs", rtol=1e-4, atol=1e-4,
             hint="compute with the arrays you are given; do not allocate float64 arrays"),
    ]
    return cases


def _backward_cases():
    rng = np.random.default_rng(2202)
    cases = []
    for config in SWEEP:
        x, w, _, kwargs = _random(rng, config)
        cases.append(Case(f"conv_backward on {_label(config)}", (_dout(rng, x, w, **kwargs), x, w),
                          kwargs, group="shapes", hint=BACKWARD_HINT))
    impulse = np.zeros((1, 2, 2, 2))
    impulse[0, 1, 1, 0] = 1.0
    x2, w2, _, _ = _random(rng, (2, 2, 6, 5, 3, 3, 3, 2, 0))
    x3, w3, _, _ = _random(rng, (1, 2, 8, 7, 2, 2, 2, 3, 0))
    x4, w4, _, _ = _random(rng, (2, 1, 4, 5, 2, 3, 2, 1, 2))
    cases += [
        Case("conv_backward of dout = ones for x = 1..9 as 1x1x3x3 and the kernel [[1, 2], [3, 4]]",
             (np.ones((1, 1, 2, 2)), np.arange(1.0, 10.0).reshape(1, 1, 3, 3),
              np.array([[[[1.0, 2.0], [3.0, 4.0]]]])), {"stride": 1, "pad": 0},
             hint="dx sums w over every window covering a pixel (col2im adds overlaps)"),
        Case("conv_backward of an impulse dout (only out[0, 1, 1, 0] matters; x 1x2x4x4, w 2x2x3x3)",
             (impulse, rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 2, 3, 3))),
             {"stride": 1, "pad": 0},
             hint="dw[f] is the window under out[n, f, i, j] times dout: a reshape where a "
                  "transpose is needed scrambles it"),
        Case("conv_backward: db sums dout over the batch and both spatial axes (N = 3, F = 2)",
             (np.arange(24.0).reshape(3, 2, 2, 2), *_random(rng, (3, 3, 3, 3, 2, 2, 2, 1, 0))[:2]),
             {"stride": 1, "pad": 0},
             hint="db = dout.sum(axis=(0, 2, 3)): one number per filter"),
        Case("conv_backward with pad 0 and stride 2 (x 2x2x6x5, w 3x2x3x3, overlapping windows)",
             (_dout(rng, x2, w2, 2, 0), x2, w2), {"stride": 2, "pad": 0},
             hint="use the same stride and pad as the forward pass in im2col and col2im"),
        Case("conv_backward where the stride skips the last rows (x 1x2x8x7, w 2x2x2x2, stride 3)",
             (_dout(rng, x3, w3, 3, 0), x3, w3), {"stride": 3, "pad": 0},
             hint="pixels no window covers get a zero gradient"),
        Case("conv_backward with pad 2 (x 2x1x4x5, w 2x1x3x2, stride 1)",
             (_dout(rng, x4, w4, 1, 2), x4, w4), {"stride": 1, "pad": 2},
             hint="dx has the shape of x: col2im drops the padded border"),
    ]
    for config in [(2, 3, 8, 6, 4, 3, 3, 2, 1), (1, 2, 9, 10, 3, 3, 2, 3, 0),
                   (3, 2, 5, 7, 2, 2, 2, 1, 2)]:
        x, w, _, kwargs = _random(rng, config)
        cases.append(Case(f"conv_backward values on {_label(config)}",
                          (_dout(rng, x, w, **kwargs), x, w), kwargs, hint=BACKWARD_HINT))
    x, w, _, kwargs = _random(rng, (2, 3, 6, 7, 4, 3, 3, 1, 1))
    dout = _dout(rng, x, w, **kwargs)
    cases += [
        Case("conv_backward on read-only dout, x and w (x 2x3x6x7, w 4x3x3x3, stride 1, pad 1)",
             (dout, x, w), kwargs, group="inputs", readonly=True),
        Case("conv_backward keeps float32 (dout, x, w float32; x 2x3x6x7, w 4x3x3x3, stride 1, pad 1)",
             (dout.astype(np.float32), x.astype(np.float32), w.astype(np.float32)), kwargs,
             group="inputs", rtol=1e-4, atol=1e-4,
             hint="compute with the arrays you are given; do not allocate float64 arrays"),
    ]
    for config in GRADIENT_SWEEP:
        x, w, _, kwargs = _random(rng, config)
        cases.append(Case(f"conv_backward against numerical gradients on {_label(config)}",
                          (_dout(rng, x, w, **kwargs), x, w), kwargs, group="gradient",
                          expect=numerical_conv_backward, rtol=1e-6, atol=1e-7,
                          hint="the four steps of section 2: db, dw = G.T @ cols, "
                               "dx = col2im(G @ w_rows)"))
    return cases


CHECKS = assignment_checks({
    "conv_forward": Check(ref_conv_forward, compare_array, _forward_cases, uses=USES),
    "conv_backward": Check(ref_conv_backward, compare_gradients, _backward_cases, uses=USES),
})
