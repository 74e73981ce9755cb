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


# The tuned convolution takes a different path for stride 1 with OW == W ("same" padding),
# so the sweep crosses it with strides, paddings wider and narrower than the kernel, kernels
# as wide as the padded input, one row or column, and float32
CONV_SHAPES = [  # (N, C, H, W), (F, kh, kw), stride, pad
    ((2, 3, 7, 6), (4, 3, 3), 1, 1),
    ((2, 3, 7, 6), (4, 3, 2), 1, 1),
    ((1, 2, 5, 5), (3, 5, 5), 1, 2),
    ((2, 1, 4, 9), (2, 1, 3), 1, 1),
    ((2, 2, 6, 6), (3, 3, 3), 1, 0),
    ((2, 2, 6, 6), (3, 3, 3), 1, 3),
    ((2, 2, 9, 8), (3, 3, 3), 2, 1),
    ((1, 3, 8, 7), (2, 2, 3), 3, 2),
    ((3, 1, 1, 5), (2, 1, 3), 1, 1),
    ((2, 2, 4, 4), (2, 6, 6), 1, 1),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape,w_shape,stride,pad", CONV_SHAPES)
def test_tuned_convolution_matches_the_loops_on_every_path(x_shape, w_shape, stride, pad, dtype):
    rng = np.random.default_rng(sum(x_shape) + stride * 7 + pad)
    f, kh, kw = w_shape
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal((f, x_shape[1], kh, kw)).astype(dtype)
    b = rng.standard_normal(f).astype(dtype)
    tolerance = {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-4}
    out = LAYERS["conv_forward"](x, w, b, stride, pad)
    np.testing.assert_allclose(out, convolution.ref_conv_forward(x, w, b, stride, pad), **tolerance)
    assert out.dtype == dtype
    dout = rng.standard_normal(out.shape).astype(dtype)
    for got, want in zip(LAYERS["conv_backward"](dout, x, w, stride, pad),
                         convolution.ref_conv_backward(dout, x, w, stride, pad)):
        assert got.dtype == dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, **tolerance)


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 1), (2, 1), (3, 2), (2, 3)])
def test_tuned_pooling_matches_the_loops_with_ties(size, stride):
    rng = np.random.default_rng(size * 10 + stride)
    x = np.maximum(rng.standard_normal((2, 3, 7, 8)), 0)            # ReLU output: ties at 0
    x[0, 0, :2, :2] = 1.0
    out = LAYERS["maxpool_forward"](x, size, stride)
    np.testing.assert_array_equal(out, pooling.ref_maxpool_forward(x, size, stride))
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(LAYERS["maxpool_backward"](dout, x, size, stride),
                               pooling.ref_maxpool_backward(dout, x, size, stride))
