"""The floor that "one GEMM per pass" sets: a convolution's three matrix products alone.

With X the im2col matrix (M rows, one per output position, K = C*kh*kw columns), V the
filters as an (F, K) matrix and G the upstream gradient as an (F, M) matrix, a convolution
layer computes, whatever else it does:

- forward:     X V.T            (M, F)
- dw:          G X              (F, K)
- dx (dcols):  G.T V            (M, K), which col2im then sums into dx

Each product can be asked of BLAS in several ways: X and G stored row- or column-major, the
product computed as it is or as the transpose of its transpose. The floor is the fastest of
these ways for each product, timed on operands that are ready in memory. No im2col, col2im,
bias or transpose is in it, so a convolution built on these three products cannot be faster
than its floor; next to PyTorch's time it shows how much time that leaves for the rest.
"""

import numpy as np


def operands(n, c, h, f, k, pad, seed=0):
    """Random float32 V (F, K), X (M, K) and G (F, M), both X and G row-major, for a stride-1
    convolution of an (n, c, h, h) batch with f filters of k x k."""
    rng = np.random.default_rng(seed)
    m = n * (h + 2 * pad - k + 1) ** 2
    v = rng.standard_normal((f, c * k * k), dtype=np.float32)
    x_rows = rng.standard_normal((m, c * k * k), dtype=np.float32)
    g_rows = rng.standard_normal((f, m), dtype=np.float32)
    return v, x_rows, g_rows


def products(v, x_rows, g_rows):
    """{product: {layout: callable}}; each callable returns the product (or a transposed view)."""
    xs = {"X row-major": x_rows, "X column-major": np.ascontiguousarray(x_rows.T).T}
    gs = {"G row-major": g_rows, "G column-major": np.ascontiguousarray(g_rows.T).T}
    forward, dw, dx = {}, {}, {}
    for xname, x in xs.items():
        forward[f"X V.T, {xname}"] = lambda x=x: x @ v.T
        forward[f"(V X.T).T, {xname}"] = lambda x=x: (v @ x.T).T
        for gname, g in gs.items():
            dw[f"G X, {gname}, {xname}"] = lambda g=g, x=x: g @ x
            dw[f"(X.T G.T).T, {gname}, {xname}"] = lambda g=g, x=x: (x.T @ g.T).T
    for gname, g in gs.items():
        dx[f"G.T V, {gname}"] = lambda g=g: g.T @ v
        dx[f"(V.T G).T, {gname}"] = lambda g=g: (v.T @ g).T
    return {"forward": forward, "dw": dw, "dx": dx}


def fastest_products(n, c, h, f, k, pad, rounds=3):
    """A callable that runs the fastest layout of each product, one after the other."""
    from benchmarks.timing import interleaved

    calls = []
    for layouts in products(*operands(n, c, h, f, k, pad)).values():
        times = interleaved(layouts, rounds=rounds)
        calls.append(layouts[min(times, key=times.get)])

    def run():
        for call in calls:
            call()
    return run
