"""Timing on a shared, noisy machine: interleave the contenders and keep the best round.

Absolute times drift by tens of percent over minutes when other work shares the cores,
so contenders are never timed one after the other: each round times every contender
once (in a rotating order), and a contender's time is its best round. Ratios are taken
between times measured this way, in the same process.
"""

import time

# Wall time by default. With one thread, use_cpu_time() switches to the calling thread's CPU
# time, which does not count the time the thread waits for a core: ratios then stay stable
# on a loaded machine (NumPy's BLAS and PyTorch both compute in the calling thread).
clock = time.perf_counter


def use_cpu_time():
    global clock
    clock = time.thread_time


def _sample(fn, calls):
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def interleaved(contenders, rounds=15, sample_time=0.003):
    """{name: best seconds per call} for a {name: callable} of contenders.

    Each contender is called once to warm up (allocations, caches, lazy imports) and
    calibrated so that one sample lasts about `sample_time` (at least one call).
    """
    calls = {}
    for name, fn in contenders.items():
        first = _sample(fn, 1)
        first = min(first, _sample(fn, 1))
        calls[name] = max(1, int(sample_time / max(first, 1e-9)))
    best = {name: float("inf") for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            best[name] = min(best[name], _sample(contenders[name], calls[name]))
    return best


def once(fn, repeats=1):
    """Best of `repeats` single calls, in seconds (for slow code such as the naive loops)."""
    return min(_sample(fn, 1) for _ in range(repeats))
