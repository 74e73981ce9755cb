"""The benchmark's rounds: how many run, that every case's contenders get them, and that every
timed sample first waits for the process's other threads to go idle (no timing is asserted:
tests never time anything)."""

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


def test_every_sample_waits_for_idle_threads_and_the_wait_lasts_until_they_are(monkeypatch):
    """A worker left spinning by one contender (OpenBLAS's spins for ~0.1 s after a call) must not
    share the cores with the next contender's sample: settle() runs before every call that is
    timed, and it polls until no other thread runs."""
    from benchmarks import timing

    events = []
    monkeypatch.setattr(timing, "settle", lambda: events.append("settle"))
    timing.interleaved({"a": lambda: events.append("a"), "b": lambda: events.append("b")}, rounds=3)
    samples = [i for i, event in enumerate(events) if event == "settle"]
    assert len(samples) == 2 + 2 * 3                   # calibration, then one per contender and round
    assert all(events[i + 1] in "ab" for i in samples)

    monkeypatch.undo()
    states = iter([True, True, True, False, True])
    polls = []
    monkeypatch.setattr(timing, "_others_running", lambda: polls.append(1) or next(states))
    monkeypatch.setattr(timing.time, "sleep", lambda seconds: None)
    timing.settle()
    assert len(polls) == 4
