"""Hidden checks for 05_softmax: softmax, cross_entropy_loss.

The references work one row at a time with `math.exp`/`math.log` in float64
(shifted by the row's maximum) and cast back to the input's dtype, so they
share nothing with the vectorised solution in the notebook.
"""

import numpy as np

from course.feedback import check_loss_and_grad
from course.gradcheck import numerical_gradient

from .cases import Case, Check, assignment_checks, compare_array
from ..references.callees.softmax import _row_probabilities, ref_softmax


def ref_cross_entropy_loss(z, y):
    n, k = z.shape
    total = 0.0
    dz = np.empty((n, k), dtype=np.float64)
    for i, row in enumerate(z.astype(np.float64).tolist()):
        label = int(y[i])
        probs, log_sum_exp = _row_probabilities(row)
        total += log_sum_exp - row[label]
        for j in range(k):
            dz[i, j] = (probs[j] - (j == label)) / n
    return total / n, dz.astype(z.dtype)


def compare_loss_and_grad(actual, expected, what, case):
    """The loss and dz; a gradient case checks dz alone (the loss has cases of its own, and its
    numerical-gradient tolerance is not the loss's)."""
    loss, dz = expected
    if case.group == "gradient":
        loss = None
    check_loss_and_grad(actual, what, loss=loss, grad=dz, rtol=case.rtol, atol=case.atol,
                        dtype=dz.dtype, hint=case.hint)


def _numerical(z, y):
    """The reference loss, and dz by central differences of the reference loss."""
    loss = ref_cross_entropy_loss(z, y)[0]
    return loss, numerical_gradient(lambda v: ref_cross_entropy_loss(v, y)[0], z, 1.0)


def _duplicated(z, y):
    """Expected for the batch z⧺z: the loss of z alone (a mean does not grow with N)."""
    return lambda zz, yy: (ref_cross_entropy_loss(z, y)[0], ref_cross_entropy_loss(zz, yy)[1])


# logits whose naive exp overflows, or whose rows lie far apart (a max over the
# whole array instead of per row leaves 0/0 in the low rows)
HUGE = np.array([[1000.0, 0.0, -1000.0]])
APART = np.array([[0.0, 1.0, 2.0], [-2000.0, -2001.0, -1999.0], [3000.0, 2999.0, 2998.5]])
LOW = np.array([[-1000.0, -1000.0, -1001.0], [-5000.0, -4990.0, -5010.0]])

SHIFT_HINT = "subtract each row's own maximum: z - z.max(axis=1, keepdims=True)"
ROW_HINT = "normalise each row (axis=1, keepdims=True): every row of probabilities sums to 1"


def _softmax_cases():
    rng = np.random.default_rng(1501)
    cases = []
    for n, k in [(3, 5), (4, 4), (1, 2), (7, 10), (10, 3), (5, 1), (2, 6)]:
        z = rng.standard_normal((n, k)) * 3
        cases.append(Case(f"softmax on random logits z {n}x{k}", (z,), hint=ROW_HINT))
    cases += [
        Case("softmax of [[0, ln 2, ln 5], [0, 0, 0]] (hand value: [0.125, 0.25, 0.625], 1/3 each)",
             (np.log([[1.0, 2.0, 5.0], [1.0, 1.0, 1.0]]),), hint=ROW_HINT),
        Case("softmax of a square z 3x3 whose rows and columns differ (rows must sum to 1)",
             (np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0], [2.0, 2.0, -2.0]]),), hint=ROW_HINT),
        Case("softmax on logits all shifted by +50 (the same probabilities as unshifted)",
             (rng.standard_normal((3, 4)) + 50,), hint=ROW_HINT),
    ]
    cases += [
        Case("softmax of [[1000, 0, -1000]] (naive exp(1000) overflows to inf)", (HUGE,),
             group="stability", hint=SHIFT_HINT),
        Case("softmax of [[1000, 1000, 1000, 1000]] (exactly 1/4 each)",
             (np.full((1, 4), 1000.0),), group="stability", hint=SHIFT_HINT),
        Case("softmax of rows 2000 apart, [[0, 1, 2], [-2000, -2001, -1999], [3000, 2999, 2998.5]] "
             "(each row needs its own maximum subtracted)",
             (APART,), group="stability",
             hint="subtract each row's own maximum, not the maximum of the whole array "
                  "(a row far below it becomes 0/0)"),
        Case("softmax of very negative rows [[-1000, -1000, -1001], [-5000, -4990, -5010]]",
             (LOW,), group="stability", hint=SHIFT_HINT),
        Case("softmax of random logits of size ~1000 (z 5x7)",
             (rng.standard_normal((5, 7)) * 1000,), group="stability", hint=SHIFT_HINT),
        Case("softmax of float32 logits ±100 (exp(100) overflows float32)",
             (np.array([[100.0, 0.0, -100.0], [-100.0, -50.0, -100.0]], dtype=np.float32),),
             group="stability", hint=SHIFT_HINT, rtol=1e-5, atol=1e-7),
    ]
    z = rng.standard_normal((4, 6))
    cases += [
        Case("softmax on a read-only z 4x6", (z,), group="inputs", readonly=True),
        Case("softmax on a read-only z with logits of ±1000", (HUGE,), group="inputs",
             readonly=True, hint=SHIFT_HINT),
        Case("softmax keeps float32 (z 4x6 float32)", (z.astype(np.float32),), group="inputs",
             hint="build the result from z with NumPy operations; no float64 arrays in between",
             rtol=1e-5, atol=1e-7),
    ]
    return cases


def _cross_entropy_cases():
    rng = np.random.default_rng(1502)
    mean_hint = "the loss is the mean over the batch, and dz = (softmax(z) - one_hot(y)) / N"
    cases = []
    for n, k in [(3, 5), (4, 4), (1, 3), (6, 10), (8, 2), (5, 7)]:
        z = rng.standard_normal((n, k)) * 2
        y = rng.integers(0, k, size=n)
        cases.append(Case(f"cross_entropy_loss on random logits z {n}x{k}, labels {y.tolist()}",
                          (z, y), hint=mean_hint))
    z = rng.standard_normal((3, 4))
    y = np.array([2, 0, 3])
    zz, yy = np.concatenate([z, z]), np.concatenate([y, y])
    cases += [
        Case("cross_entropy_loss of [[0, ln 2, ln 5], [0, 0, 0]], labels [2, 0] "
             "(hand value: loss (ln 1.6 + ln 3) / 2 = 0.784308)",
             (np.log([[1.0, 2.0, 5.0], [1.0, 1.0, 1.0]]), np.array([2, 0])), hint=mean_hint),
        Case("cross_entropy_loss with every label the same class (z 5x3, labels all 1)",
             (rng.standard_normal((5, 3)), np.ones(5, dtype=int)),
             hint="subtract 1 only at the true class of each row: dz[range(N), y] -= 1"),
        Case("cross_entropy_loss of a batch repeated twice (z⧺z, y⧺y) must equal the loss of "
             "the batch itself", (zz, yy), expect=_duplicated(z, y),
             hint="average over the batch (divide by N), do not sum"),
    ]
    for n, k, seed in [(2, 3, 1), (4, 5, 2), (5, 10, 3)]:
        g = np.random.default_rng(1510 + seed)
        z, y = g.standard_normal((n, k)) * 2, g.integers(0, k, size=n)
        cases.append(Case(f"cross_entropy_loss, dz against a numerical gradient of the loss "
                          f"(float64, z {n}x{k}, labels {y.tolist()})", (z, y), group="gradient",
                          expect=_numerical, rtol=1e-6, atol=1e-9,
                          hint="dz is the gradient of the mean loss: (softmax(z) - one_hot(y)) / N"))
    z3, y3 = rng.standard_normal((3, 3)) * 2, np.array([2, 0, 1])
    cases.append(Case("cross_entropy_loss of a batch repeated twice, dz against a numerical "
                      "gradient (z 6x3)", (np.concatenate([z3, z3]), np.concatenate([y3, y3])),
                      group="gradient", expect=_numerical, rtol=1e-6, atol=1e-9,
                      hint="divide dz by N exactly once"))
    stable = "compute log-softmax as (z - max) - log(sum(exp(z - max))), never log(softmax(z))"
    stable_mean = stable + "; then average over the batch"
    for label, loss in [(0, 0), (1, 1000), (2, 2000)]:
        cases.append(Case(f"cross_entropy_loss of [[1000, 0, -1000]] with label {label} "
                          f"(loss {loss}, finite dz)", (HUGE, np.array([label])),
                          group="stability", hint=stable))
    cases += [
        Case("cross_entropy_loss of [[1000, 0, -1000]] x3 with labels [0, 1, 2] (loss 1000; rows "
             "of dz sum to 0)", (np.repeat(HUGE, 3, axis=0), np.array([0, 1, 2])),
             group="stability", hint=stable_mean),
        Case("cross_entropy_loss of rows 2000 apart, labels [2, 1, 0] (each row needs its own "
             "maximum subtracted)",
             (APART, np.array([2, 1, 0])), group="stability",
             hint="subtract each row's own maximum, not the maximum of the whole array"),
        Case("cross_entropy_loss of very negative rows, labels [2, 0]",
             (LOW, np.array([2, 0])), group="stability", hint=stable_mean),
        Case("cross_entropy_loss of random logits of size ~1000 (z 5x7)",
             (rng.standard_normal((5, 7)) * 1000, rng.integers(0, 7, size=5)),
             group="stability", hint=stable_mean, rtol=1e-7, atol=1e-9),
    ]
    z, y = rng.standard_normal((4, 6)), np.array([5, 0, 2, 2])
    cases += [
        Case("cross_entropy_loss on read-only z 4x6 and y", (z, y), group="inputs",
             readonly=True, hint=mean_hint),
        Case("cross_entropy_loss on read-only z = [[1000, 0, -1000]]", (HUGE, np.array([1])),
             group="inputs", readonly=True, hint=stable),
        Case("cross_entropy_loss keeps float32 in dz (z 4x6 float32)",
             (z.astype(np.float32), y), group="inputs", rtol=1e-5, atol=1e-7,
             hint="a one-hot from np.eye or np.zeros((N, K)) is float64: give it z.dtype"),
        Case("cross_entropy_loss with int32 labels", (z, y.astype(np.int32)), group="inputs",
             hint="index with z[np.arange(N), y]"),
        Case("cross_entropy_loss with int64 labels and float32 logits ±100",
             (np.array([[100.0, 0.0, -100.0], [-100.0, -50.0, -100.0]], dtype=np.float32),
              np.array([2, 0], dtype=np.int64)), group="inputs", rtol=1e-5, atol=1e-7,
             hint=stable),
    ]
    return cases


CHECKS = assignment_checks({
    "softmax": Check(ref_softmax, compare_array, _softmax_cases),
    "cross_entropy_loss": Check(ref_cross_entropy_loss, compare_loss_and_grad,
                                _cross_entropy_cases, uses={"softmax": ref_softmax}),
})
