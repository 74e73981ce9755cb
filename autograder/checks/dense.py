"""Hidden checks for 04_dense: relu_forward/backward, flatten_forward/backward,
dense_forward/backward.

The references loop over single elements, so they share nothing with the
vectorised solution in the notebook. Every backward is also compared with a
central-difference gradient of the reference forward, in float64.
"""

import numpy as np

from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks, compare_array, compare_tuple
from ..references.callees.dense import ref_dense_forward, ref_flatten_forward, ref_relu_forward


def ref_relu_backward(dout, x):
    dx = np.zeros_like(dout)
    for i in np.ndindex(x.shape):
        if x[i] > 0:
            dx[i] = dout[i]
    return dx


def ref_flatten_backward(dout, x_shape):
    n, c, h, w = x_shape
    dx = np.empty(x_shape, dtype=dout.dtype)
    for i, k, r, s in np.ndindex(*x_shape):
        dx[i, k, r, s] = dout[i, (k * h + r) * w + s]
    return dx


def ref_dense_backward(dout, x, w):
    n, d = x.shape
    m = w.shape[1]
    dx = np.zeros((n, d), dtype=np.result_type(dout, w))
    dw = np.zeros((d, m), dtype=np.result_type(dout, x))
    db = np.zeros(m, dtype=dout.dtype)
    for i in range(n):
        for j in range(m):
            g = float(dout[i, j])
            db[j] += g
            for k in range(d):
                dx[i, k] += g * w[k, j]
                dw[k, j] += g * x[i, k]
    return dx, dw, db


def _away_from_zero(rng, shape, margin=0.1):
    """Random values with |x| >= margin, so a numerical gradient never straddles ReLU's kink."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, np.copysign(margin, x) + x, x)


def _numerical_relu(dout, x):
    return numerical_gradient(ref_relu_forward, x, dout)


def _numerical_flatten(dout, x_shape):
    return numerical_gradient(ref_flatten_forward, np.zeros(x_shape), dout)


def _numerical_dense(b):
    def expect(dout, x, w):
        return (numerical_gradient(lambda v: ref_dense_forward(v, w, b), x, dout),
                numerical_gradient(lambda v: ref_dense_forward(x, v, b), w, dout),
                numerical_gradient(lambda v: ref_dense_forward(x, w, v), b, dout))
    return expect


def _shape(shape):
    return "x".join(str(s) for s in shape)


# numerical gradients are exact only to about 1e-10 in absolute terms
NUMERICAL = {"rtol": 1e-6, "atol": 1e-8}
FLOAT32 = {"rtol": 1e-5, "atol": 1e-6}


def _relu_forward_cases():
    rng = np.random.default_rng(4401)
    cases = [Case(f"relu_forward on x {_shape(s)}", (rng.standard_normal(s),),
                  hint="keep positive values, replace the others by 0")
             for s in [(4, 10), (2, 3, 5, 4), (1, 7), (3, 2, 6, 6)]]
    cases += [
        Case("relu_forward on exact zeros and negative zero: x = [[-2, -0.0, 0.0, 3, -1e-9, 1e-9]]",
             (np.array([[-2.0, -0.0, 0.0, 3.0, -1e-9, 1e-9]]),),
             hint="relu(0) is 0; only strictly positive values pass", atol=0.0, rtol=0.0),
        Case("relu_forward on an all-negative x 3x4 (every output is 0)",
             (-np.abs(rng.standard_normal((3, 4))) - 0.5,), hint="negative values become 0"),
        Case("relu_forward on a read-only x 2x3x4x5", (rng.standard_normal((2, 3, 4, 5)),),
             group="inputs", readonly=True,
             hint="x[x < 0] = 0 writes into x; use np.maximum(x, 0), which builds a new array"),
        Case("relu_forward keeps float32 (x 2x3x4x5 float32)",
             (rng.standard_normal((2, 3, 4, 5)).astype(np.float32),), group="inputs",
             hint="np.maximum(x, 0) keeps x's dtype", **FLOAT32),
    ]
    return cases


def _relu_backward_cases():
    rng = np.random.default_rng(4402)
    cases = [Case(f"relu_backward on x {_shape(s)}",
                  (rng.standard_normal(s), rng.standard_normal(s)),
                  hint="dx = dout where x > 0, and 0 elsewhere (the mask comes from x, not dout)")
             for s in [(4, 10), (2, 3, 5, 4), (3, 2, 6, 6)]]
    zeros_x = np.array([[-1.0, 0.0, -0.0, 2.0, 0.0, 1e-9, -1e-9]])
    cases += [
        Case("relu_backward at exact zeros: x = [[-1, 0, -0.0, 2, 0, 1e-9, -1e-9]], dout = 5..11",
             (np.arange(5.0, 12.0)[None], zeros_x),
             hint="the gradient at x == 0 is 0: use x > 0, not x >= 0 or 'not x < 0'",
             atol=0.0, rtol=0.0),
        Case("relu_backward with negative upstream gradients where x > 0 (x 2x6 all positive)",
             (-np.abs(rng.standard_normal((2, 6))) - 0.5, np.abs(rng.standard_normal((2, 6))) + 0.5),
             hint="the mask comes from x, not from dout: a negative dout still flows back"),
    ]
    for s in [(5, 8), (2, 3, 4, 5), (3, 1, 7, 4)]:
        cases.append(Case(f"relu_backward against a numerical gradient (x {_shape(s)}, away from 0)",
                          (rng.standard_normal(s), _away_from_zero(rng, s)),
                          group="gradient", expect=_numerical_relu,
                          hint="dx = dout * (x > 0)", **NUMERICAL))
    cases += [
        Case("relu_backward on read-only dout and x (2x3x4x5)",
             (rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 4, 5))),
             group="inputs", readonly=True,
             hint="dout[x <= 0] = 0 writes into dout; build a new array, e.g. dout * (x > 0)"),
        Case("relu_backward keeps float32 (dout and x 2x3x4x5 float32)",
             (rng.standard_normal((2, 3, 4, 5)).astype(np.float32),
              rng.standard_normal((2, 3, 4, 5)).astype(np.float32)),
             group="inputs", hint="a float64 mask (astype(float)) turns the result into float64",
             **FLOAT32),
    ]
    return cases


FLATTEN_SHAPES = [(2, 3, 4, 5), (1, 1, 8, 8), (5, 2, 3, 1), (3, 4, 1, 6), (2, 1, 7, 3), (4, 6, 2, 2)]


def _flatten_forward_cases():
    rng = np.random.default_rng(4403)
    cases = [Case(f"flatten_forward on x {_shape(s)}", (rng.standard_normal(s),),
                  hint="x.reshape(N, -1): one row per example, (c, h, w) in C order")
             for s in FLATTEN_SHAPES]
    impulse = np.zeros((2, 3, 4, 5))
    impulse[1, 2, 0, 3] = 1.0
    cases += [
        Case("flatten_forward of a single impulse at x[1, 2, 0, 3] (x 2x3x4x5): "
             "expected at out[1, 43]", (impulse,),
             hint="column (c*H + h)*W + w of row n; no transpose, no channels-last order"),
        Case("flatten_forward on a read-only x 3x2x4x4", (rng.standard_normal((3, 2, 4, 4)),),
             group="inputs", readonly=True),
        Case("flatten_forward keeps float32 (x 3x2x4x4 float32)",
             (rng.standard_normal((3, 2, 4, 4)).astype(np.float32),), group="inputs", **FLOAT32),
    ]
    return cases


def _flatten_backward_cases():
    rng = np.random.default_rng(4404)
    cases = []
    for s in FLATTEN_SHAPES:
        dout = rng.standard_normal((s[0], s[1] * s[2] * s[3]))
        cases.append(Case(f"flatten_backward to x_shape {s}", (dout, s),
                          hint="dout.reshape(x_shape): the exact inverse of flatten_forward"))
    dout = np.zeros((2, 60))
    dout[1, 43] = 1.0
    cases.append(Case("flatten_backward of a single impulse at dout[1, 43] to (2, 3, 4, 5): "
                      "expected at dx[1, 2, 0, 3]", (dout, (2, 3, 4, 5)),
                      hint="undo flatten_forward's order exactly; no transpose"))
    for s in [(3, 2, 3, 4), (2, 4, 2, 3)]:
        cases.append(Case(f"flatten_backward against a numerical gradient (x_shape {s})",
                          (rng.standard_normal((s[0], s[1] * s[2] * s[3])), s),
                          expect=_numerical_flatten, **NUMERICAL))
    cases += [
        Case("flatten_backward on a read-only dout 3x32 to (3, 2, 4, 4)",
             (rng.standard_normal((3, 32)), (3, 2, 4, 4)), group="inputs", readonly=True),
        Case("flatten_backward keeps float32 (dout 3x32 float32 to (3, 2, 4, 4))",
             (rng.standard_normal((3, 32)).astype(np.float32), (3, 2, 4, 4)), group="inputs",
             **FLOAT32),
    ]
    return cases


# (N, D, M): N == 1; D == M (x @ w.T and dout @ w fit); N == D (x @ dout fits);
# N == M (dout.sum(axis=1) has b's shape); all different.
DENSE_SHAPES = [(2, 3, 4), (5, 7, 3), (1, 6, 2), (4, 4, 4), (3, 5, 5), (6, 6, 2), (3, 12, 3),
                (6, 2, 5)]


def _dense_args(rng, n, d, m, dtype=np.float64):
    return tuple(a.astype(dtype) for a in (rng.standard_normal((n, d)),
                                            rng.standard_normal((d, m)),
                                            rng.standard_normal(m)))


def _dense_forward_cases():
    rng = np.random.default_rng(4405)
    cases = [Case(f"dense_forward with x {n}x{d}, w {d}x{m}, b ({m},)", _dense_args(rng, n, d, m),
                  hint="x @ w + b: w is (D, M), so no transpose; b is added to every row")
             for n, d, m in DENSE_SHAPES]
    x, w, _ = _dense_args(rng, 3, 4, 2)
    cases += [
        Case("dense_forward with a large bias b = [100, -100] (x 3x4, w 4x2)",
             (x, w, np.array([100.0, -100.0])), hint="add b to every row of x @ w"),
        Case("dense_forward on read-only x 4x6, w 6x3, b (3,)", _dense_args(rng, 4, 6, 3),
             group="inputs", readonly=True),
        Case("dense_forward keeps float32 (x 4x6, w 6x3, b (3,), all float32)",
             _dense_args(rng, 4, 6, 3, np.float32), group="inputs",
             hint="x @ w + b keeps float32; np.zeros(shape) would make float64",
             rtol=1e-4, atol=1e-5),
    ]
    return cases


def _dense_backward_cases():
    rng = np.random.default_rng(4406)
    cases = []
    for n, d, m in DENSE_SHAPES:
        x, w, _ = _dense_args(rng, n, d, m)
        cases.append(Case(f"dense_backward with dout {n}x{m}, x {n}x{d}, w {d}x{m}",
                          (rng.standard_normal((n, m)), x, w),
                          hint="dx = dout @ w.T, dw = x.T @ dout, db = dout.sum(axis=0)"))
    for n, d, m in [(4, 5, 3), (3, 3, 3), (6, 4, 6)]:
        x, w, b = _dense_args(rng, n, d, m)
        cases.append(Case(f"dense_backward against numerical gradients (N={n}, D={d}, M={m})",
                          (rng.standard_normal((n, m)), x, w), group="gradient",
                          expect=_numerical_dense(b),
                          hint="db sums over the batch (not a mean): the loss already divides by N",
                          **NUMERICAL))
    x, w, _ = _dense_args(rng, 4, 6, 3)
    cases += [
        Case("dense_backward on read-only dout 4x3, x 4x6, w 6x3 (backward must not update w)",
             (rng.standard_normal((4, 3)), x, w), group="inputs", readonly=True,
             hint="backward only computes gradients; the update happens outside, in the optimizer"),
        Case("dense_backward keeps float32 (dout 4x3, x 4x6, w 6x3, all float32)",
             (rng.standard_normal((4, 3)).astype(np.float32), x.astype(np.float32),
              w.astype(np.float32)), group="inputs",
             hint="matrix products and sums keep float32; np.zeros(shape) would make float64",
             rtol=1e-4, atol=1e-5),
    ]
    return cases


CHECKS = assignment_checks({
    "relu_forward": Check(ref_relu_forward, compare_array, _relu_forward_cases),
    "relu_backward": Check(ref_relu_backward, compare_array, _relu_backward_cases,
                           uses={"relu_forward": ref_relu_forward}),
    "flatten_forward": Check(ref_flatten_forward, compare_array, _flatten_forward_cases),
    "flatten_backward": Check(ref_flatten_backward, compare_array, _flatten_backward_cases,
                              uses={"flatten_forward": ref_flatten_forward}),
    "dense_forward": Check(ref_dense_forward, compare_array, _dense_forward_cases),
    "dense_backward": Check(ref_dense_backward, compare_tuple("dx", "dw", "db"),
                            _dense_backward_cases, uses={"dense_forward": ref_dense_forward}),
})
