"""softmax, which cross_entropy_loss may call: one row at a time with math.exp in float64."""

import math

import numpy as np


def _row_probabilities(row):
    top = max(row)
    exps = [math.exp(v - top) for v in row]
    total = sum(exps)
    return [e / total for e in exps], top + math.log(total)


def ref_softmax(z):
    out = np.empty(z.shape, dtype=np.float64)
    for i, row in enumerate(z.astype(np.float64).tolist()):
        out[i] = _row_probabilities(row)[0]
    return out.astype(z.dtype)
