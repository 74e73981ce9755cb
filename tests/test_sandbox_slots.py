"""Two graders on one machine never share a sandbox uid.

As root every sandbox runs as a dedicated uid, and after each run the grader kills
whatever that uid still runs. Two graders at once (two assignments, a `check` beside a
batch, two test workers) that both used slot 0 killed each other's sandboxes, and a
correct notebook was graded "crashed" (seen: a plain-install grading run beside the Gradescope
test's unprivileged-uid run).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.grading import sandbox
from autograder.grading.grade import Grader

from helpers import ROOT

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="dedicated uids are root's")


@as_root
def test_leases_held_at_once_never_overlap_and_are_freed_on_close():
    first, first_locks = sandbox.lease_slots(2)
    second, second_locks = sandbox.lease_slots(3)
    assert len(set(first) | set(second)) == 5
    for lock in first_locks:
        lock.close()
    again, again_locks = sandbox.lease_slots(2)
    assert not set(again) & set(second)
    for lock in second_locks + again_locks:
        lock.close()


# the holder sees another home: HOME set otherwise (sudo without -H), or the real one covered
# by a mount namespace (the Gradescope test's container covers /root); uids stay shared
OTHER_HOMES = {
    "same home": lambda tmp: ([], {}),
    "another HOME": lambda tmp: ([], {"HOME": str(tmp)}),
    "home covered": lambda tmp: (["bwrap", "--bind", "/", "/", "--dev-bind", "/dev", "/dev",
                                  "--proc", "/proc", "--tmpfs", str(Path.home() / ".cache"),
                                  "--"], {}),
}


@as_root
@pytest.mark.parametrize("home", OTHER_HOMES)
def test_a_lease_held_by_another_process_is_skipped(home, tmp_path):
    wrap, env = OTHER_HOMES[home](tmp_path)
    if wrap and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap not installed")
    holder = subprocess.Popen(
        [*wrap, sys.executable, "-c", "import sys; from autograder.grading import sandbox; "
         "slots, locks = sandbox.lease_slots(2); print(*slots, flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, **env})
    try:
        theirs = set(map(int, holder.stdout.readline().split()))
        mine, locks = sandbox.lease_slots(4)
        assert len(theirs) == 2 and not theirs & set(mine)
        for lock in locks:
            lock.close()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@as_root
def test_two_graders_at_once_hold_different_slots_until_cleanup():
    first = Grader(ROOT, "01_im2col", jobs=2, use_sandbox=False, log=lambda *_: None)
    second = Grader(ROOT, "01_im2col", jobs=2, use_sandbox=False, log=lambda *_: None)
    try:
        assert not set(first.slots.queue) & set(second.slots.queue)
    finally:
        first.cleanup()
        second.cleanup()
    freed, locks = sandbox.lease_slots(4)
    assert set(first.slots.queue) | set(second.slots.queue) <= set(freed)
    for lock in locks:
        lock.close()
