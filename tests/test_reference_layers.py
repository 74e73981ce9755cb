"""The fast reference layers agree with the loop references of each assignment's checks."""

import numpy as np
import pytest

from autograder.checks import convolution, dense, pooling, softmax
from autograder.references.layers import LAYERS

RNG = np.random.default_rng(77)
X = RNG.standard_normal((2, 3, 7, 6))
W = RNG.standard_normal((4, 3, 3, 2))
DOUT_CONV = RNG.standard_normal((2, 4, 4, 4))
Z = RNG.standard_normal((5, 4)) * 10

CALLS = [
    ("conv_forward", convolution, (X, W, RNG.standard_normal(4)), {"stride": 2, "pad": 1}),
    ("conv_backward", convolution, (DOUT_CONV, X, W), {"stride": 2, "pad": 1}),
    ("maxpool_forward", pooling, (X,), {"size": 3, "stride": 1}),
    ("maxpool_backward", pooling, (RNG.standard_normal((2, 3, 5, 4)), X), {"size": 3, "stride": 1}),
    ("relu_forward", dense, (X,), {}),
    ("relu_backward", dense, (X * 2, X), {}),
    ("flatten_forward", dense, (X,), {}),
    ("flatten_backward", dense, (X.reshape(2, -1), X.shape), {}),
    ("dense_forward", dense, (Z, RNG.standard_normal((4, 3)), RNG.standard_normal(3)), {}),
    ("dense_backward", dense, (RNG.standard_normal((5, 3)), Z, RNG.standard_normal((4, 3))), {}),
    ("softmax", softmax, (Z,), {}),
    ("cross_entropy_loss", softmax, (Z, np.array([0, 3, 1, 1, 2])), {}),
]


@pytest.mark.parametrize("name,module,args,kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_fast_reference_matches_the_loop_reference(name, module, args, kwargs):
    fast = LAYERS[name](*args, **kwargs)
    slow = getattr(module, f"ref_{name}")(*args, **kwargs)
    for got, want in zip(*(v if isinstance(v, tuple) else (v,) for v in (fast, slow))):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_every_layer_is_covered():
    assert {c[0] for c in CALLS} == set(LAYERS)
