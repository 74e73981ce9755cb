"""Hidden checks for 07_beyond: adam_step, batchnorm_forward, batchnorm_backward.

The references work element by element (Adam) or one channel at a time with math.fsum
(batch norm), and the batch-norm backward pass follows the computational graph one
node at a time, so none of them shares code with the vectorised solution in the
notebook. The backward pass is also compared with central differences of the
reference forward pass, in float64.
"""

import math

import numpy as np

from course.feedback import check_array, check_arrays
from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks
from ..references.callees.beyond import channel_statistics, ref_batchnorm_forward


def ref_adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_param, new_m, new_v = (np.empty_like(param), np.empty_like(m), np.empty_like(v))
    for i in np.ndindex(param.shape):
        g = float(grad[i])
        mi = beta1 * float(m[i]) + (1 - beta1) * g
        vi = beta2 * float(v[i]) + (1 - beta2) * g * g
        m_hat = mi / (1 - beta1 ** t)
        v_hat = vi / (1 - beta2 ** t)
        new_param[i] = float(param[i]) - lr * m_hat / (math.sqrt(v_hat) + eps)
        new_m[i], new_v[i] = mi, vi
    return new_param, new_m, new_v


def ref_batchnorm_backward(dout, x, gamma, eps=1e-5):
    """The graph of the train-mode forward pass walked back one node at a time:
    mu = mean(x); d = x - mu; var = mean(d^2); s = sqrt(var + eps); xhat = d / s;
    out = gamma * xhat + beta (every mean per channel, over N, H and W)."""
    n, c, h, w = x.shape
    count = n * h * w
    means, variances, _ = channel_statistics(x)
    dx = np.empty(x.shape, dtype=np.float64)
    dgamma, dbeta = np.empty(c), np.empty(c)
    for k in range(c):
        g = dout[:, k].astype(np.float64)
        d = x[:, k].astype(np.float64) - means[k]
        s = math.sqrt(variances[k] + eps)
        xhat = d / s
        dbeta[k] = math.fsum(g.ravel())
        dgamma[k] = math.fsum((g * xhat).ravel())
        dxhat = g * float(gamma[k])
        dd = dxhat / s                                   # through xhat = d / s, d's own path
        ds = -math.fsum((dxhat * d).ravel()) / s ** 2    # through 1 / s
        dvar = ds / (2 * s)                              # s = sqrt(var + eps)
        dd = dd + dvar * 2 * d / count                   # var = mean(d^2)
        dmu = -math.fsum(dd.ravel())                     # d = x - mu
        dx[:, k] = dd + dmu / count                      # mu = mean(x)
    return dx.astype(x.dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def _numerical_backward(dout, x, gamma, eps=1e-5):
    """dx, dgamma, dbeta by central differences of the reference train-mode forward pass."""
    c = x.shape[1]
    beta = np.linspace(-0.5, 0.5, c)
    running = (np.zeros(c), np.ones(c))

    def out(xv, gv, bv):
        return ref_batchnorm_forward(xv, gv, bv, *running, eps=eps)[0]
    return (numerical_gradient(lambda v: out(v, gamma, beta), x, dout),
            numerical_gradient(lambda v: out(x, v, beta), gamma, dout),
            numerical_gradient(lambda v: out(x, gamma, v), beta, dout))


def compare_fields(names, order, hints, only=None):
    """A tuple of arrays `names`, compared field by field in `order` (the first message then
    names the field a bug starts from), or only the fields only[group] in a group that grades
    those alone; a field's hint is hints[(group, name)], else hints[name], else the case's own."""
    def compare(actual, expected, what, case):
        returned = dict(zip(names, check_arrays(actual, names, what)))
        wanted = dict(zip(names, expected))
        for name in (only or {}).get(case.group, order):
            hint = hints.get((case.group, name), hints.get(name, case.hint))
            check_array(returned[name], wanted[name], f"{what}, {name}", rtol=case.rtol,
                        atol=case.atol, dtype=wanted[name].dtype, hint=hint)
    return compare


def _shape(shape):
    return "x".join(str(s) for s in shape)


NUMERICAL = {"rtol": 1e-6, "atol": 1e-8}
FLOAT32 = {"rtol": 1e-4, "atol": 1e-5}

ADAM_HINT = ("m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t) with the new m and v; "
             "param - lr * m_hat / (sqrt(v_hat) + eps)")
ADAM_HINTS = {
    "m": "m = beta1 * m + (1 - beta1) * grad",
    "v": "v = beta2 * v + (1 - beta2) * grad**2 (the square of the gradient, elementwise)",
}


def _adam_trajectory(rng, shape, steps, **kwargs):
    """(param, grad, m, v, t) before every step of `steps` Adam steps from m = v = 0."""
    param = rng.standard_normal(shape)
    m, v = np.zeros(shape), np.zeros(shape)
    states = []
    for t in range(1, steps + 1):
        grad = rng.standard_normal(shape) * 0.1 + 0.05
        states.append((param, grad, m, v, t))
        param, m, v = ref_adam_step(param, grad, m, v, t, **kwargs)
    return states


def _adam_cases():
    rng = np.random.default_rng(7701)
    cases = []
    for shape in [(3, 4), (5,), (2, 3, 3, 3)]:
        cases.append(Case(f"adam_step at t=1 from m = v = 0 (param {_shape(shape)})",
                          (rng.standard_normal(shape), rng.standard_normal(shape),
                           np.zeros(shape), np.zeros(shape), 1),
                          hint="at t=1 the bias correction makes m_hat = grad and v_hat = grad**2, "
                               "so every parameter moves by about lr: " + ADAM_HINT))
    cases += [
        Case("adam_step worked example: param [1.0, -2.0], grad [0.5, -0.1], m = v = 0, t=1, "
             "lr=0.1 (both parameters move by 0.1, against their gradient)",
             (np.array([1.0, -2.0]), np.array([0.5, -0.1]), np.zeros(2), np.zeros(2), 1),
             {"lr": 0.1}, hint=ADAM_HINT),
        Case("adam_step with a zero gradient from m = v = 0 (t=1): nothing moves, and eps keeps "
             "0 / 0 away", (np.ones(4), np.zeros(4), np.zeros(4), np.zeros(4), 1),
             hint="divide by sqrt(v_hat) + eps, so that v_hat = 0 is no division by zero"),
        Case("adam_step with eps=0.1 (eps is added after the square root, as in PyTorch)",
             (rng.standard_normal(6), rng.standard_normal(6) * 0.01, np.zeros(6), np.zeros(6), 1),
             {"eps": 0.1, "lr": 0.5},
             hint="sqrt(v_hat) + eps, not sqrt(v_hat + eps)"),
        Case("adam_step with beta1=0.5, beta2=0.75, lr=0.01 at t=3",
             (rng.standard_normal((2, 5)), rng.standard_normal((2, 5)),
              rng.standard_normal((2, 5)) * 0.1, np.abs(rng.standard_normal((2, 5))) * 0.1, 3),
             {"beta1": 0.5, "beta2": 0.75, "lr": 0.01},
             hint="use the arguments beta1, beta2 and lr, not the defaults: " + ADAM_HINT),
    ]
    for param, grad, m, v, t in _adam_trajectory(rng, (3, 3), 6)[1:]:
        cases.append(Case(f"adam_step at step t={t} of a run from m = v = 0 (m and v from the "
                          "steps before)", (param, grad, m, v, t), group="sequence",
                          hint="the bias correction uses this step's t: 1 - beta1**t and "
                               "1 - beta2**t, computed fresh every step"))
    for param, grad, m, v, t in _adam_trajectory(rng, (4,), 3, lr=0.05, beta1=0.8)[1:]:
        cases.append(Case(f"adam_step at step t={t} with lr=0.05, beta1=0.8",
                          (param, grad, m, v, t), {"lr": 0.05, "beta1": 0.8}, group="sequence",
                          hint=ADAM_HINT))
    cases.append(Case("adam_step at t=1000 (the bias correction has almost vanished)",
                      (rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5) * 0.1,
                       np.abs(rng.standard_normal(5)) * 0.1, 1000), group="sequence",
                      hint=ADAM_HINT))
    cases += [
        Case("adam_step on read-only param, grad, m and v (3x4, t=2)",
             (rng.standard_normal((3, 4)), rng.standard_normal((3, 4)),
              rng.standard_normal((3, 4)) * 0.1, np.abs(rng.standard_normal((3, 4))) * 0.1, 2),
             group="inputs", readonly=True,
             hint="param -= ... and m *= beta1 write into the caller's arrays; return new ones"),
        Case("adam_step keeps float32 (param, grad, m, v 2x3x3x3 float32, t=2)",
             tuple(a.astype(np.float32) for a in (rng.standard_normal((2, 3, 3, 3)),
                                                  rng.standard_normal((2, 3, 3, 3)),
                                                  rng.standard_normal((2, 3, 3, 3)) * 0.1,
                                                  np.abs(rng.standard_normal((2, 3, 3, 3))) * 0.1))
             + (2,), group="inputs", hint="np.zeros(shape) or np.sqrt of a float64 makes float64",
             **FLOAT32),
    ]
    return cases


OUT_HINT = ("normalise each channel over N, H and W: x_hat = (x - mean) / sqrt(var + eps) with "
            "mean and the biased var (x.var, ddof=0) over axis=(0, 2, 3), keepdims=True; then "
            "gamma * x_hat + beta, gamma and beta shaped (1, C, 1, 1)")
BN_HINTS = {
    "running_mean": "running_mean = (1 - momentum) * running_mean + momentum * batch mean",
    "running_var": "running_var = (1 - momentum) * running_var + momentum * the unbiased batch "
                   "variance (divide by N*H*W - 1: ddof=1), as PyTorch does; only the "
                   "normalisation uses the biased one",
    ("eval", "out"): "in eval mode normalise with running_mean and running_var, not with the "
                     "batch's own statistics",
    ("eval", "running_mean"): "in eval mode return the running statistics unchanged",
    ("eval", "running_var"): "in eval mode return the running statistics unchanged",
}


def _channels(rng, shape, spread=(0.5, 3.0)):
    """x with a different mean and scale in every channel, so that the wrong axes show."""
    c = shape[1]
    centres = rng.uniform(-3, 3, c).reshape(1, c, 1, 1)
    scales = rng.uniform(*spread, c).reshape(1, c, 1, 1)
    return centres + scales * rng.standard_normal(shape)


def _bn_args(rng, shape, dtype=np.float64):
    c = shape[1]
    return tuple(a.astype(dtype) for a in (_channels(rng, shape), rng.uniform(0.5, 2.0, c),
                                           rng.uniform(-1, 1, c), rng.uniform(-0.5, 0.5, c),
                                           rng.uniform(0.5, 2.0, c)))


def _tiny_variance(rng, shape):
    """x whose channel 0 is nearly constant: its variance (about 1e-8) is far below eps."""
    x = _channels(rng, shape)
    x[:, 0] = 2.0 + 1e-4 * rng.standard_normal(x[:, 0].shape)
    return x


def _forward_cases():
    rng = np.random.default_rng(7702)
    cases = []
    for shape in [(4, 3, 5, 5), (2, 1, 3, 3), (8, 4, 2, 2), (3, 3, 3, 3), (5, 2, 1, 1), (2, 5, 4, 3)]:
        cases.append(Case(f"batchnorm_forward in train mode on x {_shape(shape)}",
                          _bn_args(rng, shape), hint=OUT_HINT))
    x, gamma, beta, mean, var = _bn_args(rng, (4, 3, 3, 3))
    cases += [
        Case("batchnorm_forward in train mode on a batch of one image, x 1x3x4x4 (the statistics "
             "run over H and W)", _bn_args(rng, (1, 3, 4, 4)), hint=OUT_HINT),
        Case("batchnorm_forward with gamma = 1 and beta = 0 (every channel of out has mean 0 and "
             "variance 1), x 6x3x4x4", (_channels(rng, (6, 3, 4, 4)), np.ones(3), np.zeros(3),
                                         np.zeros(3), np.ones(3)), hint=OUT_HINT),
        Case("batchnorm_forward on a nearly constant channel (variance 1e-8, below eps=1e-5), "
             "x 4x2x3x3", (_tiny_variance(rng, (4, 2, 3, 3)), *_bn_args(rng, (4, 2, 3, 3))[1:]),
             hint="divide by sqrt(var + eps): eps goes inside the square root"),
        Case("batchnorm_forward with eps=0.5", (x, gamma, beta, mean, var), {"eps": 0.5},
             hint="use the eps argument: sqrt(var + eps)"),
    ]
    for shape, momentum in [((4, 3, 3, 3), 0.1), ((2, 4, 5, 2), 0.3), ((6, 2, 1, 1), 0.9)]:
        args = _bn_args(rng, shape)
        cases.append(Case(f"batchnorm_forward's running statistics, momentum={momentum}, "
                          f"x {_shape(shape)}", args, {"momentum": momentum}, group="running"))
    x, gamma, beta = _bn_args(rng, (4, 3, 3, 3))[:3]
    mean, var = np.zeros(3), np.ones(3)
    for step in range(3):
        batch = _channels(rng, (4, 3, 3, 3))
        _, mean, var = ref_batchnorm_forward(batch, gamma, beta, mean, var)
    cases.append(Case("batchnorm_forward's running statistics after three train steps from "
                      "(0, 1), x 4x3x3x3", (x, gamma, beta, mean, var), group="running"))
    for shape in [(4, 3, 3, 3), (1, 2, 4, 4), (2, 3, 1, 1)]:
        cases.append(Case(f"batchnorm_forward in eval mode (train=False) on x {_shape(shape)}",
                          _bn_args(rng, shape), {"train": False}, group="eval",
                          hint=BN_HINTS[("eval", "out")]))
    x, gamma, beta, mean, var = _bn_args(rng, (3, 2, 2, 2))
    cases.append(Case("batchnorm_forward in eval mode with eps=0.5 (x 3x2x2x2)",
                      (x, gamma, beta, mean, var), {"train": False, "eps": 0.5}, group="eval",
                      hint="eval mode: (x - running_mean) / sqrt(running_var + eps)"))
    cases += [
        Case("batchnorm_forward on read-only x, gamma, beta and running statistics (4x3x3x3)",
             _bn_args(rng, (4, 3, 3, 3)), group="inputs", readonly=True,
             hint="running_mean *= ... writes into the caller's array; return new ones"),
        Case("batchnorm_forward in eval mode on read-only inputs (4x3x3x3)",
             _bn_args(rng, (4, 3, 3, 3)), {"train": False}, group="inputs", readonly=True),
        Case("batchnorm_forward keeps float32 (every input float32, x 4x3x3x3)",
             _bn_args(rng, (4, 3, 3, 3), np.float32), group="inputs",
             hint="np.sqrt of a float64 array or np.zeros(shape) makes float64", **FLOAT32),
    ]
    return cases


BACKWARD_HINT = ("dx = gamma / sqrt(var + eps) * (dout - mean(dout) - x_hat * mean(dout * x_hat)), "
                 "each mean over N, H and W of its channel: both mean terms are needed")
BACKWARD_HINTS = {
    "dgamma": "dgamma = (dout * x_hat).sum(axis=(0, 2, 3)) with x_hat the normalised x",
    "dbeta": "dbeta = dout.sum(axis=(0, 2, 3)): a sum over N, H and W, not a mean",
}


def _backward_args(rng, shape, dtype=np.float64, x=None):
    x = _channels(rng, shape) if x is None else x
    return tuple(a.astype(dtype) for a in (rng.standard_normal(shape), x,
                                           rng.uniform(0.5, 2.0, shape[1])))


def _backward_cases():
    rng = np.random.default_rng(7703)
    cases = []
    for shape in [(4, 3, 5, 5), (2, 1, 3, 3), (8, 4, 2, 2), (3, 3, 3, 3), (6, 2, 1, 1)]:
        cases.append(Case(f"batchnorm_backward on x {_shape(shape)}", _backward_args(rng, shape),
                          hint=BACKWARD_HINT))
    cases.append(Case("batchnorm_backward with eps=0.5 (x 4x2x3x3)",
                      _backward_args(rng, (4, 2, 3, 3)), {"eps": 0.5},
                      hint="use the eps argument: sqrt(var + eps)"))
    for shape in [(3, 2, 3, 3), (5, 3, 2, 1)]:
        cases.append(Case(f"batchnorm_backward against numerical gradients (x {_shape(shape)})",
                          _backward_args(rng, shape), group="gradient",
                          expect=_numerical_backward, hint=BACKWARD_HINT, **NUMERICAL))
    cases += [
        Case("batchnorm_backward against numerical gradients on a batch of one image "
             "(x 1x2x3x4: the means run over H and W)", _backward_args(rng, (1, 2, 3, 4)),
             group="gradient", expect=_numerical_backward, hint=BACKWARD_HINT, **NUMERICAL),
        Case("batchnorm_backward against numerical gradients with a nearly constant channel "
             "(variance 1e-8, below eps), x 4x2x2x2",
             _backward_args(rng, (4, 2, 2, 2), x=_tiny_variance(rng, (4, 2, 2, 2))),
             group="gradient", expect=_numerical_backward,
             hint="divide by sqrt(var + eps) everywhere, never by sqrt(var)",
             rtol=1e-5, atol=1e-6),
        Case("batchnorm_backward on read-only dout, x and gamma (4x3x3x3)",
             _backward_args(rng, (4, 3, 3, 3)), group="inputs", readonly=True,
             hint="dout -= ... or x -= mean writes into the caller's array; build new arrays"),
        Case("batchnorm_backward keeps float32 (dout, x, gamma float32, x 4x3x3x3)",
             _backward_args(rng, (4, 3, 3, 3), np.float32), group="inputs",
             hint="np.sqrt of a float64 array or np.zeros(shape) makes float64", **FLOAT32),
    ]
    return cases


CHECKS = assignment_checks({
    "adam_step": Check(ref_adam_step, compare_fields(("param", "m", "v"), ("m", "v", "param"),
                                                     ADAM_HINTS), _adam_cases),
    "batchnorm_forward": Check(ref_batchnorm_forward,
                               compare_fields(("out", "running_mean", "running_var"),
                                              ("out", "running_mean", "running_var"), BN_HINTS,
                                              only={"values": ("out",),
                                                    "running": ("running_mean", "running_var")}),
                               _forward_cases),
    "batchnorm_backward": Check(ref_batchnorm_backward,
                                compare_fields(("dx", "dgamma", "dbeta"),
                                               ("dbeta", "dgamma", "dx"), BACKWARD_HINTS),
                                _backward_cases,
                                uses={"batchnorm_forward": ref_batchnorm_forward}),
})
