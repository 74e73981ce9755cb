"""Timing on a shared, noisy machine: interleave the contenders and keep the best round.

Absolute times drift by tens of percent over minutes when other work shares the cores,
so contenders are never timed one after the other: each round times every contender
once (in a rotating order), and a contender's time is its best round. Ratios are taken
between times measured this way, in the same process.

Each sample starts once the previous one's worker threads have stopped, then one untimed
call warms the contender up again: after a call, OpenBLAS's workers keep spinning for about
0.1 s and PyTorch's OpenMP workers for about 10 ms, and on two cores a spinning worker left
by one contender takes a core from the next one (timed back to back, PyTorch's CIFAR-like
conv took 1.6x its time alone).
"""

import os
import threading
import time

# Wall time by default. With one thread, use_cpu_time() switches to the calling thread's CPU
# time, which does not count the time the thread waits for a core: ratios then stay stable
# on a loaded machine (NumPy's BLAS and PyTorch both compute in the calling thread).
clock = time.perf_counter


def use_cpu_time():
    global clock
    clock = time.thread_time


def _others_running():
    """Whether a thread of this process other than the caller is running (Linux; else False)."""
    me = threading.get_native_id()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return False
    for task in tasks:
        if int(task) == me:
            continue
        try:
            with open(f"/proc/self/task/{task}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue                                     # the thread has just ended
        if state == "R":
            return True
    return False


def settle(timeout=1.0):
    """Wait (at most `timeout` seconds) until the other threads of this process are idle."""
    end = time.perf_counter() + timeout
    while _others_running() and time.perf_counter() < end:
        time.sleep(0.0005)


def _sample(fn, calls):
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def _sample_alone(fn, calls):
    """_sample once the other threads are idle, after one untimed call: the wait leaves caches
    cold and the contender's own workers asleep, which its repeated calls do not see."""
    settle()
    fn()
    return _sample(fn, calls)


def interleaved(contenders, rounds=15, sample_time=0.003):
    """{name: best seconds per call} for a {name: callable} of contenders.

    Each contender is warmed up (allocations, caches, lazy imports) and calibrated so that one
    sample lasts about `sample_time` (at least one call).
    """
    calls = {}
    for name, fn in contenders.items():
        first = _sample_alone(fn, 1)
        calls[name] = max(1, int(sample_time / max(first, 1e-9)))
    best = {name: float("inf") for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            best[name] = min(best[name], _sample_alone(contenders[name], calls[name]))
    return best


def once(fn, repeats=1):
    """Best of `repeats` single calls, in seconds (for slow code such as the naive loops)."""
    return min(_sample(fn, 1) for _ in range(repeats))
