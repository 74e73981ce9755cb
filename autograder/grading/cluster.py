"""`cnn-course grade ASSIGNMENT --scheduler tcp://HOST:PORT`: a Dask cluster runs the sandboxes.

Only the sandboxed run moves: the instructor's process restores the test cells, sends the
notebook to a worker and gets back the run's Outcome (its stream of records and what the
watchdog saw), then compares, scores, fills the gradebook and writes the reports itself, as
with --jobs. A worker grades in its own sandbox (autograder.grading.sandbox) with its own copy
of the course at the same path and this package installed; it builds the hidden inputs and
references from that copy, once per worker process.

A worker that dies mid-submission costs a retry: the scheduler gives the task to another
worker, and this process still receives exactly one Outcome per notebook, so nothing reaches
the gradebook twice. dask-jobqueue (SLURM, PBS) and dask-kubernetes start the same kind of
cluster on real machines.
"""

import threading
import uuid
from dataclasses import astuple

import nbformat

from ..course_root import CourseError
from .grade import Grader, grade
from .sandbox import Limits

_graders = {}
_graders_lock = threading.Lock()


def _worker_grader(worker, root, assignment, use_sandbox, limits):
    """This worker process's Grader for the assignment, made on first use and kept: one
    sandbox slot per thread of the worker."""
    key = (root, assignment, use_sandbox, astuple(limits))
    with _graders_lock:
        if key not in _graders:
            _graders[key] = Grader(root, assignment, jobs=worker.state.nthreads,
                                   use_sandbox=use_sandbox, limits=limits, log=print)
        return _graders[key]


def worker_ready(root, assignment, use_sandbox, limits, dask_worker=None):
    """On every worker before the batch (Client.run passes `dask_worker`): None, or why this
    worker cannot grade."""
    try:
        _worker_grader(dask_worker, root, assignment, use_sandbox, limits)
    except Exception as error:  # noqa: BLE001 - reported by the instructor's process
        return f"{type(error).__name__}: {error}"
    return None


def run_on_worker(root, assignment, use_sandbox, limits, name, notebook):
    """On a worker: the Outcome of one notebook (JSON text, test cells restored) in its sandbox."""
    from distributed import get_worker
    grader = _worker_grader(get_worker(), root, assignment, use_sandbox, limits)
    return grader.sandboxed(name, nbformat.reads(notebook, as_version=4))


def _cleanup_on_worker():
    with _graders_lock:
        for grader in _graders.values():
            grader.cleanup()
        _graders.clear()


class Remote:
    """Runs a Grader's sandboxed step on the cluster whose scheduler is at `address`."""

    def __init__(self, address, root, assignment, use_sandbox, limits):
        try:
            from distributed import Client
        except ImportError:
            raise CourseError("--scheduler needs Dask: pip install 'cnn-course[cluster]' "
                              "(dask and distributed)") from None
        try:
            self.client = Client(address, timeout=10)
        except (OSError, TimeoutError) as error:
            raise CourseError(f"cannot reach the Dask scheduler at {address} ({error}) — start "
                              "one with `dask scheduler` and workers with `dask worker "
                              f"{address}`") from None
        self.address, self.args = address, (str(root), assignment, use_sandbox, limits)
        workers = self.client.nthreads()
        if not workers:
            self.client.close()
            raise CourseError(f"the scheduler at {address} has no workers — start some with "
                              f"`dask worker {address}`")
        problems = {address: problem for address, problem in
                    self.client.run(worker_ready, *self.args).items() if problem}
        if problems:
            self.client.close()
            worker, problem = next(iter(problems.items()))
            raise CourseError(f"worker {worker} cannot grade ({problem}) — every worker needs "
                              f"the course at {root}, this package installed and bubblewrap")
        # two submissions in flight per worker thread: its next sandbox starts while this
        # process compares the last one's results
        self.threads = 2 * sum(workers.values())

    def __call__(self, name, restored):
        future = self.client.submit(run_on_worker, *self.args, name, nbformat.writes(restored),
                                    key=f"cnn-grade-{uuid.uuid4().hex}", pure=False)
        return future.result()

    def close(self):
        try:
            self.client.run(_cleanup_on_worker)
        finally:
            self.client.close()


def grade_on_cluster(address, root, assignment, use_sandbox=True, limits=None, **options):
    """grade.grade with the sandboxes on the workers of the Dask scheduler at `address`."""
    limits = limits or Limits()
    remote = Remote(address, root, assignment, use_sandbox, limits)
    try:
        return grade(root, assignment, use_sandbox=use_sandbox, limits=limits, remote=remote,
                     **options)
    finally:
        remote.close()
