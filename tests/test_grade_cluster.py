"""`cnn-course grade --scheduler`: a real Dask cluster (a scheduler and two workers on 127.0.0.1)
grades a batch of correct, buggy and hostile submissions of 01_im2col, each worker in its own
bubblewrap sandbox, and one worker is killed mid-batch.

- the rows (score, flags, every cell's score and hidden cases) are those of `--jobs 2` on this
  machine, for every student, although a worker died;
- every student is graded once: one row each, and the gradebook holds the cluster's scores;
- a scheduler that cannot be reached is a one-line error that says how to start one.
"""

import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.building.nbgrader_autograde import scratch_course
from autograder.building.submissions import fill, filled_with_solutions
from autograder.course_root import CourseError
from autograder.grading.cluster import grade_on_cluster
from autograder.grading.grade import grade
from autograder.grading.sandbox import Limits

from helpers import ROOT, corpus

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")

ASSIGNMENT = "01_im2col"
HOSTILE = ["tests/hostile/01_im2col/patch_checker.py", "tests/hostile/01_im2col/sys_exit.py",
           "tests/hostile/boundary/reference_leak.py"]
LIMITS = Limits(wall=60, cell=10, call=5, memory_mb=1536)
DASK = Path(sys.executable).with_name("dask")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _batch(tmp):
    course = tmp / "course"
    scratch_course(ROOT, ASSIGNMENT, course)
    (release,) = sorted((course / "release" / ASSIGNMENT).glob("*.ipynb"))
    subs = tmp / "subs"
    subs.mkdir()
    shutil.copy(release, subs / "release.ipynb")
    for twin in ("solution", "solution_twin"):   # the same notebook twice is two tasks, not one
        fill(release, filled_with_solutions(ROOT, ASSIGNMENT)[release.name], subs / f"{twin}.ipynb")
    variants = corpus(ASSIGNMENT, "bug")[:2] + corpus(ASSIGNMENT, "alt")[:1] + [ROOT / h for h in HOSTILE]
    for variant in variants:
        answers = filled_with_solutions(ROOT, ASSIGNMENT, variant)
        fill(release, answers[release.name], subs / f"{variant.stem}.ipynb")
    return course, subs


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, the two worker processes); all stopped at the end."""
    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    processes = [subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--dashboard-address", ":0"], stdout=subprocess.DEVNULL,
        stderr=open(logs / "scheduler.log", "w"))]
    workers = [subprocess.Popen(
        [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
         "--dashboard-address", ":0", "--name", f"w{i}"], stdout=subprocess.DEVNULL,
        stderr=open(logs / f"worker{i}.log", "w")) for i in range(2)]
    processes += workers
    try:
        from distributed import Client
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in processes:
            process.kill()
            process.wait()


def _kill_when_busy(address, worker, after):
    """Kill `worker` (SIGKILL) once `after` seconds have passed and it is running a task."""
    from distributed import Client
    started = time.time()
    with Client(address, timeout=30) as client:
        while worker.poll() is None:
            busy = [w for w, keys in client.processing().items() if keys]
            name = {w: info.get("name") for w, info in client.scheduler_info()["workers"].items()}
            if time.time() - started > after and any(name[w] == "w0" for w in busy):
                worker.kill()
                return
            time.sleep(0.2)


def _rows(rows):
    return {row.student: (row.score, sorted(row.flags),
                          {gid: (cell["score"], cell["hidden_passed"], cell["hidden_total"])
                           for result in row.notebooks.values()
                           for gid, cell in result["cells"].items()})
            for row in rows}


def test_a_cluster_grades_as_jobs_2_although_a_worker_dies(cluster, tmp_path):
    address, workers = cluster
    course, subs = _batch(tmp_path)
    start = time.time()
    local = grade(course, ASSIGNMENT, submissions=subs, out=tmp_path / "local", jobs=2,
                  limits=LIMITS, log=lambda *a: None)
    print(f"--jobs 2: {len(local)} submissions in {time.time() - start:.0f} s")
    start = time.time()
    killer = threading.Thread(target=_kill_when_busy, args=(address, workers[0], 6), daemon=True)
    killer.start()
    lines = []
    remote = grade_on_cluster(address, course, ASSIGNMENT, submissions=subs,
                              out=tmp_path / "cluster", limits=LIMITS, log=lines.append)
    print(f"cluster, one worker killed: {len(remote)} submissions in {time.time() - start:.0f} s")
    killer.join(timeout=60)
    assert workers[0].poll() is not None, "the worker was never killed mid-batch"
    assert any("Dask cluster" in line for line in lines), lines
    assert len(remote) == len({row.student for row in remote}) == len(local)
    assert _rows(remote) == _rows(local)
    expected = {"solution": 13, "solution_twin": 13, "release": 0}
    assert {s: r[0] for s, r in _rows(remote).items() if s in expected} == expected
    assert "tampered" in _rows(remote)["patch_checker"][1]

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cnn-from-scratch") as gb:
        for row in remote:
            if row.notebooks:
                submission = gb.find_submission(ASSIGNMENT, row.student)
                assert sum(g.score for nb in submission.notebooks for g in nb.grades) == row.score


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    with pytest.raises(CourseError, match="dask scheduler") as error:
        grade_on_cluster(f"tcp://127.0.0.1:{_free_port()}", ROOT, ASSIGNMENT,
                         submissions=tmp_path, out=tmp_path / "out", log=lambda *a: None)
    assert "\n" not in str(error.value)
