"""Benchmarks of the course's layers: `make bench`, or `python -m benchmarks`.

Two versions of each layer are measured side by side: "taught", the solutions of source/
(the clearest form of what each notebook teaches), and "tuned", the fast references that
grading uses (autograder/references/layers.py). One run measures, in float32 and with the
same thread count for NumPy's BLAS and for PyTorch:

- convolution forward, and forward + backward, for the four shapes of the course, against
  torch.nn.functional.conv2d (and autograd), against naive loops, and in GFLOP/s next to
  the machine's float32 GEMM peak measured in the same run;
- the three matrix products of a conv forward + backward alone, in their fastest layouts:
  the least time that "one GEMM per pass" allows (benchmarks/gemm_floor.py);
- 2x2 max-pooling forward + backward against torch.nn.functional.max_pool2d;
- the peak extra memory of a conv backward against the size of its im2col matrix;
- the training notebooks' time and accuracy, 06 and the final 07 (benchmarks/cnn_notebook.py);
- grading throughput (benchmarks/grading.py).

Before timing anything it checks that the NumPy outputs match PyTorch's.

The process re-executes itself once with a clean environment: OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed (never forced: a forced core type can crash or run 4-8x slower),
thread counts set before NumPy is imported, and glibc's malloc told to keep freed
memory (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_) so that big temporaries are not
page-faulted in again on every call. That environment is the benchmark's only; tests
and CI never see it. --plain-malloc leaves malloc alone.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLEAN_MARK = "CNN_BENCH_CLEAN_ENV"
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),   # glibc's maximum
          "MALLOC_TRIM_THRESHOLD_": str(2**31)}

# (name, N, C, H=W, F, kernel, pad), stride 1
CONV_CASES = [
    ("MNIST first layer", 64, 1, 28, 8, 3, 1),
    ("MNIST second layer", 64, 8, 14, 16, 3, 1),
    ("CIFAR-like", 128, 3, 32, 32, 3, 1),
    ("digits", 64, 1, 8, 16, 3, 1),
]
CODES = ("taught", "tuned")
# issue 19's targets: the tuned references keep their measured ranges as a regression bound
# (fwd+bwd / PyTorch per shape); the taught solutions stay within TAUGHT_MAX of PyTorch
TUNED_MAX = {"MNIST first layer": 0.9, "MNIST second layer": 1.7, "CIFAR-like": 1.7, "digits": 0.9}
TAUGHT_MAX, NAIVE_MIN, MEMORY_MAX = 3.0, 100.0, 3.0


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    default_threads = min(2, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else 2
    parser.add_argument("--threads", type=int, default=default_threads,
                        help="threads for NumPy's BLAS and for PyTorch (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=30,
                        help="interleaved timing rounds, at least; the best round counts "
                             "(default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=60,
                        help="keep timing rounds until this much wall time has passed, for the "
                             "convolutions and again for pooling (default: %(default)s; at most "
                             "10 x --rounds rounds)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="with --threads 1: time the calling thread's CPU time instead of wall "
                             "time, so that other work on the machine does not skew the ratios")
    parser.add_argument("--plain-malloc", action="store_true",
                        help="do not tune glibc malloc for the run")
    parser.add_argument("--variant", type=Path,
                        help="a Python file whose functions replace taught ones (to try a change)")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip the notebook and grading benchmarks")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    if args.cpu_time and args.threads != 1:
        parser.error("--cpu-time needs --threads 1 (CPU time of one thread is not a wall time)")
    return args


def reexec_clean(args, argv):
    """Replace this process by one with the benchmark's environment (once)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["CNN_BENCH_REMOVED"] = ",".join(f"{k}={os.environ[k]}" for k in UNSET if k in os.environ)
    for var in THREAD_VARS:
        env[var] = str(args.threads)
    if not args.plain_malloc:
        env.update(MALLOC)
    env[CLEAN_MARK] = "1"
    os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()), *argv], env)


# -------------------------------------------------------------------------- helpers

def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def relative_error(actual, expected):
    import numpy as np
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(float(np.abs(expected).max()), 1e-30)
    return float(np.abs(np.asarray(actual, dtype=np.float64) - expected).max()) / scale


def other_work(samples=20, interval=0.025):
    """Tasks running on the machine besides this process, averaged over half a second.

    The load average would count this benchmark's own threads (and its previous runs) for a
    minute after they stop; /proc/loadavg's count of running tasks, read while this process
    does nothing else, includes only the reader itself. Falls back to the load average.
    """
    try:
        running = []
        for _ in range(samples):
            with open("/proc/loadavg") as f:
                running.append(int(f.read().split()[3].split("/")[0]) - 1)
            time.sleep(interval)
        return sum(running) / len(running)
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]


def warn_if_loaded():
    """Say so when other work competes for the cores: multi-threaded timings then swing widely."""
    load = other_work()
    cpus = os.cpu_count() or 1
    if load > 0.5 * cpus:
        print(f"warning: {load:.1f} other tasks running on {cpus} CPUs: timings (and, with "
              "threads > 1, ratios) are unreliable; rerun on an idle machine")


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# -------------------------------------------------------------------------- sections

def environment(args):
    import numpy as np

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; python {platform.python_version()}, "
          f"numpy {np.__version__}", end="")
    try:
        import torch
        print(f", torch {torch.__version__}")
    except ImportError:
        torch = None
        print(", torch not installed (pip install -e '.[torch]'): no PyTorch ratios")
    limiter = None
    try:
        import threadpoolctl
        limiter = threadpoolctl.threadpool_limits(limits=args.threads)
        for lib in threadpoolctl.threadpool_info():
            if lib.get("user_api") == "blas":
                print(f"NumPy BLAS: {lib.get('internal_api')} {lib.get('version')}, "
                      f"kernel {lib.get('architecture', '?')}, {lib.get('num_threads')} threads "
                      f"({Path(lib['filepath']).name})")
    except ImportError:
        print(f"NumPy BLAS: threadpoolctl not installed; threads set through "
              f"{', '.join(THREAD_VARS)}={args.threads}")
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(f"PyTorch: {torch.get_num_threads()} threads")
    removed = os.environ.get("CNN_BENCH_REMOVED")
    print(f"environment: {', '.join(UNSET)} unset" + (f" (were {removed})" if removed else "")
          + "; malloc " + ("untuned" if args.plain_malloc else
                           ", ".join(f"{k}={v}" for k, v in MALLOC.items())))
    warn_if_loaded()
    if args.variant:
        print(f"variant: {args.variant} replaces taught functions")
    return torch, limiter


def gemm_peak(rounds):
    import numpy as np
    from benchmarks.timing import interleaved

    n = 2048
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    best = interleaved({"gemm": lambda: np.matmul(a, b, out=out)}, rounds=max(3, rounds // 2),
                       sample_time=0.0)["gemm"]
    peak = 2 * n**3 / best / 1e9
    print(f"GEMM peak: {peak:.1f} GFLOP/s (np.matmul {n}x{n} float32, best of "
          f"{max(3, rounds // 2)})")
    return peak


def conv_inputs(n, c, h, f, k, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, h), dtype=np.float32)
    w = (rng.standard_normal((f, c, k, k), dtype=np.float32) / np.float32(np.sqrt(c * k * k)))
    b = rng.standard_normal(f, dtype=np.float32)
    return x, w, b


def check_conv(ref, torch, cases):
    """Correctness guard: NumPy vs PyTorch (or the naive loops) on every case, float32."""
    import numpy as np
    from benchmarks.reference import naive_conv_backward, naive_conv_forward

    tolerance = 1e-4
    worst = 0.0
    for name, n, c, h, f, k, pad in cases:
        x, w, b = conv_inputs(n, c, h, f, k, seed=1)
        inputs = [a.copy() for a in (x, w, b)]
        out = ref["conv_forward"](x, w, b, 1, pad)
        dout = np.random.default_rng(2).standard_normal(out.shape, dtype=np.float32)
        dout_copy = dout.copy()
        grads = ref["conv_backward"](dout, x, w, 1, pad)
        for label, arr in zip(("out", "dx", "dw", "db"), (out, *grads)):
            assert arr.dtype == np.float32, f"{name}: {label} is {arr.dtype}, not float32"
        for a, a0 in zip((x, w, b, dout), (*inputs, dout_copy)):
            assert np.array_equal(a, a0), f"{name}: an input was modified"
        if torch is not None:
            xt, wt, bt = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
            ot = torch.nn.functional.conv2d(xt, wt, bt, padding=pad)
            ot.backward(torch.from_numpy(dout))
            expected = (ot.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy())
        else:
            few = slice(0, 2)
            expected = (naive_conv_forward(x[few], w, b, 1, pad),
                        *naive_conv_backward(dout[few], x[few], w, 1, pad))
            out = out[few]
            grads = ref["conv_backward"](dout[few], x[few], w, 1, pad)
        for label, actual, want in zip(("out", "dx", "dw", "db"), (out, *grads), expected):
            err = relative_error(actual, want)
            worst = max(worst, err)
            assert err < tolerance, f"{name}: {label} differs from PyTorch (relative error {err:.2e})"
    return worst


def check_pool(ref, torch, shapes):
    import numpy as np
    worst = 0.0
    for shape in shapes:
        x = np.random.default_rng(3).standard_normal(shape, dtype=np.float32)
        out = ref["maxpool_forward"](x, 2, 2)
        dout = np.random.default_rng(4).standard_normal(out.shape, dtype=np.float32)
        dx = ref["maxpool_backward"](dout, x, 2, 2)
        assert out.dtype == dx.dtype == np.float32
        xt = torch.from_numpy(x.copy()).requires_grad_()
        ot = torch.nn.functional.max_pool2d(xt, 2, 2)
        ot.backward(torch.from_numpy(dout))
        for label, actual, want in (("out", out, ot.detach().numpy()), ("dx", dx, xt.grad.numpy())):
            err = relative_error(actual, want)
            worst = max(worst, err)
            assert err == 0.0, f"max-pool {shape}: {label} differs from PyTorch ({err:.2e})"
    return worst


def conv_contenders(codes, torch, n, c, h, f, k, pad):
    """(inputs, {name: callable}) for one convolution case: each NumPy code ("taught_f",
    "tuned_fb", ...) and, if installed, PyTorch."""
    import numpy as np

    x, w, b = conv_inputs(n, c, h, f, k)
    out = codes["taught"]["conv_forward"](x, w, b, 1, pad)
    dout = np.random.default_rng(5).standard_normal(out.shape, dtype=np.float32)
    contenders = {}
    for code, ref in codes.items():
        forward, backward = ref["conv_forward"], ref["conv_backward"]
        contenders[f"{code}_f"] = lambda forward=forward: forward(x, w, b, 1, pad)
        contenders[f"{code}_fb"] = lambda forward=forward, backward=backward: (
            forward(x, w, b, 1, pad), backward(dout, x, w, 1, pad))
    if torch is not None:
        F = torch.nn.functional
        xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
        xg, wg, bg = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
        dt = torch.from_numpy(dout)

        def torch_f():
            with torch.no_grad():
                return F.conv2d(xt, wt, bt, padding=pad)

        def torch_fb():
            xg.grad = wg.grad = bg.grad = None
            F.conv2d(xg, wg, bg, padding=pad).backward(dt)

        contenders.update(torch_f=torch_f, torch_fb=torch_fb)
    return (x, w, b, dout), contenders


ROUNDS_PER_PASS = 5


def interleaved_cases(per_case, rounds, seconds):
    """({case: {name: best seconds}}, rounds run): passes that visit every case in turn, until
    at least `rounds` rounds and `seconds` of wall time are done (at most 10 x `rounds`).

    A case timed in one go lasts about a second, so one burst of other work on the machine can
    spoil all of its rounds; in passes of a few rounds, its rounds are spread over the whole
    benchmark, and the time floor spreads them over more than one burst (they last seconds to
    tens of seconds here). A round still times one case's contenders only: in one run that
    interleaved all the cases' contenders (before each sample waited for idle threads, see
    benchmarks/timing.py), PyTorch's MNIST second layer backward took twice its usual time.
    """
    from benchmarks.timing import interleaved

    best = {case: {} for case in per_case}
    done, start = 0, time.perf_counter()
    while done < rounds or (time.perf_counter() - start < seconds and done < 10 * rounds):
        for case, contenders in per_case.items():
            times = interleaved(contenders, rounds=ROUNDS_PER_PASS)
            for name, seconds_taken in times.items():
                best[case][name] = min(seconds_taken, best[case].get(name, seconds_taken))
        done += ROUNDS_PER_PASS
    return best, done


def bench_conv(codes, torch, peak, rounds, seconds):
    from benchmarks.reference import naive_conv_backward, naive_conv_forward
    from benchmarks.gemm_floor import fastest_products
    from benchmarks.timing import once

    inputs, per_case = {}, {}
    for name, n, c, h, f, k, pad in CONV_CASES:
        inputs[name], per_case[name] = conv_contenders(codes, torch, n, c, h, f, k, pad)
        per_case[name]["gemms"] = fastest_products(n, c, h, f, k, pad)
    timed, rounds = interleaved_cases(per_case, rounds, seconds)
    rows, floor_rows, results = [], [], []
    for name, n, c, h, f, k, pad in CONV_CASES:
        x, w, b, dout = inputs[name]
        best = timed[name]
        flops = 2 * dout.size * c * k * k          # one pass; backward does two of them

        few = min(n, 2)            # naive loops on a reduced batch, scaled linearly by N
        xs, ds = x[:few], dout[:few]
        naive_f = once(lambda: naive_conv_forward(xs, w, b, 1, pad), repeats=2) * n / few
        naive_b = once(lambda: naive_conv_backward(ds, xs, w, 1, pad), repeats=2) * n / few
        naive_fb = naive_f + naive_b

        floor = best["gemms"] / best["torch_fb"] if torch is not None else None
        dash = "n/a"
        for code in codes:
            f_time, fb_time = best[f"{code}_f"], best[f"{code}_fb"]
            ratio_f = f_time / best["torch_f"] if torch is not None else None
            ratio_fb = fb_time / best["torch_fb"] if torch is not None else None
            speedup = naive_fb / fb_time
            gf_np = 3 * flops / fb_time / 1e9
            gf_t = 3 * flops / best["torch_fb"] / 1e9 if torch is not None else None
            results.append((name, code, ratio_fb, speedup, floor))
            floor_rows.append([name, code, fmt_ms(best["gemms"]), f"{floor:.2f}" if floor else dash,
                               fmt_ms(fb_time - best["gemms"])])
            rows.append([
                name, code, f"{n}x{c}x{h}x{h}, {f}x{c}x{k}x{k}",
                fmt_ms(f_time), f"{ratio_f:.2f}" if ratio_f else dash,
                fmt_ms(fb_time), f"{ratio_fb:.2f}" if ratio_fb else dash,
                f"{naive_f / f_time:.0f}x", f"{speedup:.0f}x",
                f"{gf_np:.1f}" + (f" / {gf_t:.1f}" if gf_t else ""),
                f"{100 * gf_np / peak:.1f}%",
            ])
    print(f"\nconvolution, stride 1, float32; times in ms, best of {rounds} interleaved rounds, "
          f"in passes of {ROUNDS_PER_PASS} over the cases for at least {seconds:g} s")
    table(["case", "code", "x, w", "fwd", "/torch", "fwd+bwd", "/torch", "naive/fwd", "naive/f+b",
           "GFLOP/s np/torch", "of peak"], rows)
    print("('taught': the solutions of source/; 'tuned': autograder/references/layers.py;\n"
          " '/torch': NumPy time / PyTorch time with the same threads, below 1 is faster;\n"
          " 'naive': loops over (n, f, oh, ow), timed on 2 images and scaled linearly to N;\n"
          " GFLOP/s of forward+backward = 3 x 2*N*F*OH*OW*C*kh*kw / time)")
    print("\none GEMM per pass: the three matrix products of fwd+bwd alone, each in its fastest "
          "operand layout\n(benchmarks/gemm_floor.py), timed in the same rounds; ms")
    table(["case", "code", "GEMMs", "/torch fwd+bwd", "NumPy fwd+bwd - GEMMs"], floor_rows)
    print("(a fwd+bwd built on these products cannot take less than 'GEMMs': with '/torch fwd+bwd'\n"
          " near 1, PyTorch's time leaves next to nothing for im2col, col2im and the rest)")
    return results


def pool_contenders(codes, torch, shape):
    """{name: callable} for 2x2 max-pooling of one shape: each NumPy code and, if installed,
    PyTorch."""
    import numpy as np

    n, f, h, _ = shape
    x = np.random.default_rng(6).standard_normal(shape, dtype=np.float32)
    dout = np.random.default_rng(7).standard_normal((n, f, h // 2, h // 2), dtype=np.float32)
    contenders = {}
    for code, ref in codes.items():
        forward, backward = ref["maxpool_forward"], ref["maxpool_backward"]
        contenders[f"{code}_f"] = lambda forward=forward: forward(x, 2, 2)
        contenders[f"{code}_fb"] = lambda forward=forward, backward=backward: (
            forward(x, 2, 2), backward(dout, x, 2, 2))
    if torch is not None:
        F = torch.nn.functional
        xt = torch.from_numpy(x)
        xg = torch.from_numpy(x.copy()).requires_grad_()
        dt = torch.from_numpy(dout)

        def torch_f():
            with torch.no_grad():
                return F.max_pool2d(xt, 2, 2)

        def torch_fb():
            xg.grad = None
            F.max_pool2d(xg, 2, 2).backward(dt)

        contenders.update(torch_f=torch_f, torch_fb=torch_fb)
    return contenders


def bench_pool(codes, torch, rounds, seconds):
    shapes = {name: (n, f, h, h) for name, n, c, h, f, k, pad in CONV_CASES}   # conv outputs
    timed, rounds = interleaved_cases({name: pool_contenders(codes, torch, shape)
                                       for name, shape in shapes.items()}, rounds, seconds)
    rows = []
    for name, shape in shapes.items():
        best = timed[name]
        for code in codes:
            f_time, fb_time = best[f"{code}_f"], best[f"{code}_fb"]
            rows.append([name, code, "x".join(map(str, shape)), fmt_ms(f_time),
                         f"{f_time / best['torch_f']:.2f}" if torch is not None else "n/a",
                         fmt_ms(fb_time),
                         f"{fb_time / best['torch_fb']:.2f}" if torch is not None else "n/a"])
    print(f"\n2x2 max-pooling, stride 2, float32, on each conv layer's output; ms, best of {rounds} "
          f"interleaved rounds, in passes of {ROUNDS_PER_PASS} over the cases for at least {seconds:g} s")
    table(["after", "code", "x", "fwd", "/torch", "fwd+bwd", "/torch"], rows)


def bench_memory(codes):
    """{code: [peak / im2col bytes per case]}; the target applies to the tuned code."""
    import tracemalloc

    import numpy as np

    rows, ratios = [], {code: [] for code in codes}
    for (name, n, c, h, f, k, pad), code in ((case, code) for case in CONV_CASES for code in codes):
        ref = codes[code]
        x, w, _ = conv_inputs(n, c, h, f, k)
        oh = h + 2 * pad - k + 1
        dout = np.random.default_rng(8).standard_normal((n, f, oh, oh), dtype=np.float32)
        cols_bytes = n * oh * oh * c * k * k * x.itemsize
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            grads = ref["conv_backward"](dout, x, w, 1, pad)
            peak = tracemalloc.get_traced_memory()[1] - base
            del grads
        finally:
            tracemalloc.stop()
        ratios[code].append(peak / cols_bytes)
        rows.append([name, code, f"{cols_bytes / 2**20:.2f}", f"{peak / 2**20:.2f}",
                     f"{peak / cols_bytes:.2f}"])
    print("\npeak extra memory of conv_backward (tracemalloc; includes the returned gradients)")
    table(["case", "code", "im2col MiB", "peak MiB", "ratio"], rows)
    return ratios


def run_extra(script, what):
    """Run benchmarks/<script> in a child process with this environment; True when it succeeded."""
    print(f"\n{what} (benchmarks/{script})")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)], cwd=ROOT,
                          capture_output=True, text=True)
    lines = proc.stdout.rstrip().splitlines()
    if proc.returncode != 0:
        lines.append(f"(exit status {proc.returncode})")
        if not lines[:-1]:            # no report at all: show why (kernels chatter on stderr otherwise)
            lines += proc.stderr.rstrip().splitlines()[-15:]
    for line in lines:
        print("  " + line, flush=True)
    return proc.returncode == 0


# -------------------------------------------------------------------------- main

def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse(argv)
    if os.environ.get(CLEAN_MARK) != "1":
        reexec_clean(args, argv)          # does not return

    from benchmarks.reference import load_taught, load_tuned

    torch, _limiter = environment(args)
    if args.cpu_time:
        from benchmarks import timing
        timing.use_cpu_time()
        print("clock: CPU time of the calling thread (--cpu-time)")
    codes = {"taught": load_taught(args.variant), "tuned": load_tuned()}

    pool_shapes = [(n, f, h, h) for _, n, c, h, f, k, pad in CONV_CASES]
    for code, ref in codes.items():
        err = check_conv(ref, torch, CONV_CASES)
        line = (f"correctness guard, {code}: conv forward and backward match "
                f"{'PyTorch' if torch else 'naive loops'} (max relative error {err:.1e})")
        if torch is not None:
            check_pool(ref, torch, pool_shapes)
            line += "; max-pooling matches exactly"
        print(line)

    peak = gemm_peak(args.rounds)
    conv = bench_conv(codes, torch, peak, args.rounds, args.seconds)
    bench_pool(codes, torch, args.rounds, args.seconds)
    memory = bench_memory(codes)
    extras = {}
    if not args.no_extras:
        extras["06 and the final 07 notebook: their own targets (benchmarks/cnn_notebook.py)"] = \
            run_extra("cnn_notebook.py", "training notebooks with the taught solutions: time and accuracy")
        extras["grading throughput: benchmark ran (its targets are issue 21's)"] = run_extra(
            "grading.py", "grading throughput")

    print("\ntargets (issue 19)")
    warn_if_loaded()
    checks = []
    by = {(name, code): (ratio, speedup) for name, code, ratio, speedup, _ in conv}
    if torch is not None:
        for name, bound in TUNED_MAX.items():
            ratio = by[name, "tuned"][0]
            checks.append((f"tuned fwd+bwd / torch <= {bound:g} on {name} ({ratio:.2f})",
                           ratio <= bound))
        worst = max(CONV_CASES, key=lambda case: by[case[0], "taught"][0])[0]
        checks.append((f"taught fwd+bwd / torch <= {TAUGHT_MAX:g} on every shape "
                       f"(worst {by[worst, 'taught'][0]:.2f}, {worst})",
                       by[worst, "taught"][0] <= TAUGHT_MAX))
    else:
        print("  (PyTorch not installed: the PyTorch ratios are not checked)")
    for code in codes:
        slowest = min(CONV_CASES, key=lambda case: by[case[0], code][1])[0]
        checks.append((f"{code} fwd+bwd at least {NAIVE_MIN:g}x faster than naive loops "
                       f"(least {by[slowest, code][1]:.0f}x, {slowest})",
                       by[slowest, code][1] >= NAIVE_MIN))
    checks.append((f"tuned conv_backward peak extra memory <= {MEMORY_MAX:g}x im2col matrix "
                   f"(worst {max(memory['tuned']):.2f}x; taught {max(memory['taught']):.2f}x)",
                   max(memory["tuned"]) <= MEMORY_MAX))
    checks += extras.items()
    for what, ok in checks:
        print(f"  {verdict(ok)}  {what}")
    if torch is not None:
        floors = ", ".join(f"{name} {floor:.2f}" for name, code, _, _, floor in conv
                           if code == "tuned")
        print(f"  the least fwd+bwd / torch that one GEMM per pass allows (the GEMMs alone): {floors}")
    failed = [what for what, ok in checks if not ok]
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
