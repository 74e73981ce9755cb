"""Benchmark: grade N copies of one assignment's submissions with --jobs 2 and --jobs 1
(same run), report the speed-up and the per-submission overhead, and compare with plain
`nbgrader autograde` on the same batch; then time `cnn-course check` on a correct 01 and 06
notebook (the 06 one against the time its own cells take in a kernel), and print issue 21's
table of targets.

The machine's speed drifts by tens of percent over minutes, so the two settings are not
timed one after the other: the batch is graded in halves, in the order A2 A1 B1 B2 (half A
with --jobs 2, then with --jobs 1, ...), and each setting's time is the sum of its two halves;
a steady drift then weighs on both alike. Half the submissions are the reference
solutions, half carry a bug from tests/corpus; if any grading goes wrong (see misgraded)
it reports no timing and exits 1.

    python benchmarks/grading.py [--n 40] [--assignment 01_im2col] [--skip-nbgrader]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from autograder.grading.grade import grade
from autograder.building.nbgrader_autograde import autograde, scratch_course
from autograder.building.submissions import fill, filled_with_solutions

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ("crashed", "timeout", "memory")
CHECK_REPS = 3


def filled_solution(assignment, folder):
    """The release notebook of `assignment` with the reference solutions, in `folder`."""
    (release,) = sorted((ROOT / "release" / assignment).glob("*.ipynb"))
    answers = filled_with_solutions(ROOT, assignment)
    return fill(release, answers[release.name], Path(folder) / release.name)


def check_seconds(notebook):
    """The median wall time of `cnn-course check NOTEBOOK` (a new process each time, as a
    student runs it), and whether every run passed."""
    times, passed = [], True
    for _ in range(CHECK_REPS):
        start = time.time()
        proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--root", str(ROOT),
                               "check", str(notebook)], capture_output=True, text=True)
        times.append(time.time() - start)
        passed = passed and proc.returncode == 0
    return statistics.median(times), passed


def own_cells_seconds(notebook):
    """The time a notebook's own cells take in a kernel (the kernel's start not counted)."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(notebook.parent)}})
    total = 0.0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                start = time.time()
                client.execute_cell(cell, index)
                total += time.time() - start
    return total


def misgraded(row, references):
    """Why a row of this benchmark's batch is not a normal grading, or None.

    The submissions named in `references` are the reference solutions and must score full
    marks; no submission of the batch may crash or hit a limit.
    """
    broken = [f"{flag}: {row.flags[flag]}" for flag in BROKEN if flag in row.flags]
    if broken:
        return "; ".join(broken)
    if row.student in references and row.score != row.max_score:
        return f"the reference solutions scored {row.score:g} of {row.max_score:g}"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--assignment", default="01_im2col")
    parser.add_argument("--skip-nbgrader", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory(prefix="cnn-bench-") as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        api = scratch_course(ROOT, args.assignment, course)
        release = sorted((course / "release" / args.assignment).glob("*.ipynb"))
        bugs = sorted((ROOT / "tests" / "corpus" / args.assignment).glob("bug_*.py"))
        paths, references = {}, set()
        for i in range(args.n):
            variant = bugs[i % len(bugs)] if i % 2 and bugs else None
            answers = filled_with_solutions(ROOT, args.assignment, variant)
            half = tmp / ("subs_a" if i < args.n // 2 else "subs_b")
            paths[f"s{i:03d}"] = [fill(nb, answers[nb.name], half / f"s{i:03d}" / nb.name) for nb in release]
            if variant is None:
                references.add(f"s{i:03d}")
        times, graded, inside = {2: 0.0, 1: 0.0}, {2: 0, 1: 0}, {2: 0.0, 1: 0.0}
        wrong = []
        for half, jobs in (("a", 2), ("a", 1), ("b", 1), ("b", 2)):
            start = time.time()
            rows = grade(course, args.assignment, submissions=tmp / f"subs_{half}",
                         out=tmp / f"out_{half}{jobs}", jobs=jobs, log=lambda *a: None)
            times[jobs] += time.time() - start
            graded[jobs] += len(rows)
            inside[jobs] += sum(r.seconds for r in rows)
            for row in rows:
                why = misgraded(row, references)
                if why:
                    wrong.append(f"{row.student} (--jobs {jobs}): {why}")
        if wrong:
            # a sandbox that fails at once grades fast: its times say nothing about grading
            print(f"FAIL: {len(wrong)} gradings went wrong, so no timing is reported; first: "
                  f"{wrong[0]}", flush=True)
            sys.exit(1)
        for jobs in (2, 1):
            print(f"--jobs {jobs}: {times[jobs]:.1f} s for {graded[jobs]} submissions "
                  f"({times[jobs] / graded[jobs]:.2f} s each; sandboxed run "
                  f"{inside[jobs] / graded[jobs]:.2f} s each)", flush=True)
        speedup = times[1] / times[2]
        print(f"speed-up with --jobs 2: {speedup:.2f}x", flush=True)
        # ru_maxrss of the children: the largest process any sandboxed run had (a kernel or
        # the harness; the kernels of one job are waited for inside it)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        plain = None
        if not args.skip_nbgrader:
            start = time.time()
            autograde(api, args.assignment, paths)
            plain = time.time() - start
            print(f"plain nbgrader autograde (one at a time, no sandbox): {plain:.1f} s "
                  f"({plain / args.n:.2f} s each)")
            print(f"overhead per submission vs nbgrader at --jobs 1: "
                  f"{(times[1] - plain) / args.n:+.2f} s", flush=True)
        os.environ.setdefault("CNN_COURSE_REFERENCES", "autograder.checks.fallback:references")
        check01, ok01 = check_seconds(filled_solution("01_im2col", tmp / "check01"))
        notebook06 = filled_solution("06_cnn", tmp / "check06")
        check06, ok06 = check_seconds(notebook06)
        cells06 = own_cells_seconds(notebook06)
        print(f"cnn-course check, median of {CHECK_REPS}: 01 {check01:.2f} s, 06 {check06:.2f} s; "
              f"06's own cells in a kernel: {cells06:.2f} s", flush=True)
        if not (ok01 and ok06):
            print("FAIL: `cnn-course check` did not pass a correct notebook")
            sys.exit(1)
        rows = [("`cnn-course grade --jobs 1` / plain `nbgrader autograde`", "<= 1.3x",
                 None if plain is None else times[1] / plain, "x", 1.3, max),
                ("`--jobs 1` / `--jobs 2`", ">= 1.8x", speedup, "x", 1.8, min),
                ("`cnn-course check` on a 01 notebook", "<= 3 s", check01, " s", 3, max),
                ("`check` on the 06 notebook / its own cells", "<= 1.5x", check06 / cells06,
                 "x", 1.5, max),
                ("largest process of a grading job (peak RSS)", "printed", peak_mb, " MB",
                 None, None)]
        print("\n| measure | target | measured | |\n| --- | --- | --- | --- |")
        for what, target, value, unit, bound, side in rows:
            if value is None:
                print(f"| {what} | {target} | not run | |")
                continue
            met = bound is not None and (value <= bound if side is max else value >= bound)
            ok = "" if bound is None else "PASS" if met else "FAIL"
            print(f"| {what} | {target} | {value:.2f}{unit} | {ok} |")


if __name__ == "__main__":
    main()
