import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"

# notebooks executed by the tests grade on their own, as under nbgrader
os.environ.setdefault("CNN_COURSE_REFERENCES", "autograder.checks.fallback:references")
# One BLAS and OpenMP thread per process, as in the grader's sandbox: `make test` runs two
# workers on two cores, and the kernels nbgrader starts from them inherit this. With each
# library's default of a thread per core, two 07 notebooks autograded side by side took 52-89 s
# each instead of 14-15 s (threads spinning for a core the other worker holds).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")


@pytest.fixture(scope="session")
def root():
    return ROOT


GROUPED_MODULES = {"test_grade_corpus.py", "test_corpus_nbgrader.py", "test_grade_boundary.py"}
# modules whose tests share a costly module-scoped fixture (a JupyterLab server, a graded batch,
# a build, an export, an install, a Dask cluster): on one worker it is made once, not twice
WHOLE_MODULES = {"test_browser.py", "test_gradescope.py", "test_grade_cluster.py",
                 "test_grade_hostile.py", "test_feedback.py", "test_generated.py",
                 "test_export.py", "test_architecture.py"}


# The slowest groups first, so that the last thing a worker takes is short and both workers
# finish together (a corpus group of 06 or 07 taken last once kept one worker busy for minutes
# after the other was done); within a corpus module, the later assignments are the slower ones.
SLOW_FIRST = ["test_grade_corpus.py", "test_corpus_nbgrader.py", "test_grade_boundary.py",
              "test_grade_hostile.py", "test_grade_cluster.py", "test_generated.py"]


def pytest_collection_modifyitems(config, items):
    def order(item):
        module = Path(str(item.fspath)).name
        if module not in SLOW_FIRST:
            return (len(SLOW_FIRST), "")
        group = item.get_closest_marker("xdist_group")
        return (SLOW_FIRST.index(module), "" if group is None else str(group.args[0]))

    # sorted() is stable; reverse=True on the group name alone puts 07 before 01
    items.sort(key=lambda item: order(item)[1], reverse=True)
    items.sort(key=lambda item: order(item)[0])


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`, for pytest 9: xdist 3.8 tags a grouped test by rewriting `item._nodeid`,
    which pytest 9 no longer reads, so every group was split across the workers and each worker
    graded the whole corpus of an assignment again. The group is read here from the mark's
    value, which `by_assignment` also puts first in the test id."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByAssignment(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module, _, name = nodeid.partition("::")
            if Path(module).name in WHOLE_MODULES:
                return module
            if Path(module).name in GROUPED_MODULES and "[" in name:
                return f"{module}::{name.split('[', 1)[1].split('-', 1)[0].rstrip(']')}"
            return nodeid

    return ByAssignment(config, log)

