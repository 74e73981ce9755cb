"""The GEMM floor of the benchmark: every layout it may pick computes the product it stands
for, and the one it runs is the fastest (timings are stubbed: tests never time anything)."""

import numpy as np
import pytest

from benchmarks import gemm_floor, timing

SHAPES = [(2, 3, 5, 4, 3, 1), (1, 1, 4, 2, 3, 0)]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_layout_computes_its_product(shape):
    n, c, h, f, k, pad = shape
    v, x, g = gemm_floor.operands(*shape)
    m = n * (h + 2 * pad - k + 1) ** 2
    assert x.shape == (m, c * k * k) and g.shape == (f, m) and v.shape == (f, c * k * k)
    layouts = gemm_floor.products(v, x, g)
    v, x, g = (a.astype(np.float64) for a in (v, x, g))
    expected = {"forward": x @ v.T, "dw": g @ x, "dx": g.T @ v}
    assert set(layouts) == set(expected)
    for product, variants in layouts.items():
        assert len(variants) >= 4
        for name, call in variants.items():
            np.testing.assert_allclose(call(), expected[product], rtol=1e-5, atol=1e-5,
                                       err_msg=f"{product}: {name}")


def test_the_floor_runs_the_fastest_layout_of_each_product(monkeypatch):
    ran = []
    fake = {product: {f"{product} {i}": (lambda product=product, i=i: ran.append((product, i)))
                      for i in range(4)} for product in ("forward", "dw", "dx")}
    speed = {"forward": 2, "dw": 0, "dx": 3}
    monkeypatch.setattr(gemm_floor, "products", lambda *matrices: fake)
    monkeypatch.setattr(timing, "interleaved", lambda layouts, rounds: {
        name: 1.0 if name.endswith(str(speed[name.split()[0]])) else 2.0 for name in layouts})
    run = gemm_floor.fastest_products(2, 3, 5, 4, 3, 1)
    assert ran == []
    run()
    assert ran == list(speed.items())
