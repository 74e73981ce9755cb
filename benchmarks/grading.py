"""Benchmark: grade N copies of one assignment's submissions with --jobs 2 and --jobs 1
(same run), report the speed-up and the per-submission overhead, and compare with plain
`nbgrader autograde` on the same batch.

The machine's speed drifts by tens of percent over minutes, so the two settings are not
timed one after the other: the batch is graded in halves, in the order A2 A1 B1 B2 (half A
with --jobs 2, then with --jobs 1, ...), and each setting's time is the sum of its two halves;
a steady drift then weighs on both alike. Half the submissions are the reference
solutions, half carry a bug from tests/corpus; if any grading goes wrong (see misgraded)
it reports no timing and exits 1.

    python benchmarks/grading.py [--n 40] [--assignment 01_im2col] [--skip-nbgrader]
"""

import argparse
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
        print(f"speed-up with --jobs 2: {speedup:.2f}x (target >= 1.6x: "
              f"{'PASS' if speedup >= 1.6 else 'FAIL'})", flush=True)
        if not args.skip_nbgrader:
            start = time.time()
            autograde(api, args.assignment, paths)
            plain = time.time() - start
            print(f"plain nbgrader autograde (one at a time, no sandbox): {plain:.1f} s "
                  f"({plain / args.n:.2f} s each)")
            print(f"overhead per submission vs nbgrader at --jobs 1: "
                  f"{(times[1] - plain) / args.n:+.2f} s")


if __name__ == "__main__":
    main()
