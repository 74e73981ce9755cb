"""The benchmark's rounds: how many run, and that every case's contenders get them (no timing
is asserted: tests never time anything)."""

from benchmarks.run import ROUNDS_PER_PASS, interleaved_cases


def cases(calls):
    def counted(key):
        def fn():
            calls[key] = calls.get(key, 0) + 1
        return fn
    return {case: {name: counted((case, name)) for name in ("np", "torch")} for case in "ab"}


def test_rounds_are_whole_passes_over_every_case_when_time_is_no_object():
    calls = {}
    best, rounds = interleaved_cases(cases(calls), rounds=7, seconds=0)
    assert rounds == 2 * ROUNDS_PER_PASS
    assert set(calls) == {(case, name) for case in "ab" for name in ("np", "torch")}
    assert all(t >= 0 for times in best.values() for t in times.values())
    assert set(best) == {"a", "b"} and all(set(t) == {"np", "torch"} for t in best.values())


def test_a_time_floor_adds_rounds_but_never_more_than_ten_times_as_many():
    best, rounds = interleaved_cases(cases({}), rounds=ROUNDS_PER_PASS, seconds=3600)
    assert rounds == 10 * ROUNDS_PER_PASS


def test_a_sample_starts_only_once_other_threads_have_stopped_running():
    """A worker left spinning by one contender (OpenBLAS's spin for ~0.1 s after a call) must
    not share the cores with the next contender's sample."""
    import sys
    import threading
    import time

    from benchmarks.timing import _others_running, interleaved

    if not sys.platform.startswith("linux"):
        return
    spinning = threading.Event()
    done = threading.Event()

    def spin():
        spinning.set()
        end = time.perf_counter() + 0.3
        while time.perf_counter() < end:
            pass
        done.set()

    seen = []
    threading.Thread(target=spin).start()
    spinning.wait()
    assert _others_running()
    interleaved({"probe": lambda: seen.append(done.is_set())}, rounds=1)
    assert seen and all(seen)
    assert not _others_running()
