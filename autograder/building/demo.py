"""`cnn-course demo`: build the course, grade three simulated students, print the grades.

- perfect: every answer cell holds the reference solution
- buggy: the reference solution with one typical mistake per assignment
  (the first bug_*.py of tests/corpus/<assignment>/)
- untouched: the release notebooks as handed out
"""

import tempfile
import warnings
from pathlib import Path

from .build import build
from ..course_root import assignments, load_config
from .nbgrader_autograde import autograde, scratch_course
from .submissions import fill, filled_with_solutions

STUDENTS = ("perfect", "buggy", "untouched")


def typical_bug(root, assignment):
    bugs = sorted((Path(root) / "tests" / "corpus" / assignment).glob("bug_*.py"))
    return bugs[0] if bugs else None


def simulated_submissions(root, assignment, workdir):
    """{student: [notebook paths]} for the three simulated students."""
    release = sorted((Path(root) / "release" / assignment).glob("*.ipynb"))
    workdir = Path(workdir)
    perfect = filled_with_solutions(root, assignment)
    buggy = filled_with_solutions(root, assignment, typical_bug(root, assignment))
    return {
        "perfect": [fill(nb, perfect[nb.name], workdir / "perfect" / nb.name) for nb in release],
        "buggy": [fill(nb, buggy[nb.name], workdir / "buggy" / nb.name) for nb in release],
        "untouched": release,
    }


def grade_table(rows, columns):
    """Plain-text table: one row per student, one column per assignment, then the total."""
    header = ["student", *columns, "total"]
    lines = [header]
    for student, per_assignment in rows.items():
        got = [per_assignment[a] for a in columns]
        total = (sum(s for s, _ in got), sum(m for _, m in got))
        lines.append([student, *(f"{s:g}/{m:g}" for s, m in got), f"{total[0]:g}/{total[1]:g}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in lines)


def demo(root, log=print):
    root = Path(root)
    build(root, log=log)
    chosen = assignments(load_config(root))
    rows = {student: {} for student in STUDENTS}
    # nbgrader's own gradebook code trips SQLAlchemy's autoflush warning; nothing is lost
    warnings.filterwarnings("ignore", message=".*not in session")
    with tempfile.TemporaryDirectory(prefix="cnn-course-demo-") as tmp:
        for assignment in chosen:
            log(f"grade {assignment}: {', '.join(STUDENTS)} (nbgrader autograde)")
            api = scratch_course(root, assignment, Path(tmp) / assignment / "course")
            submissions = simulated_submissions(root, assignment, Path(tmp) / assignment / "work")
            for student, cells in autograde(api, assignment, submissions).items():
                rows[student][assignment] = (sum(s for s, _ in cells.values()),
                                             sum(m for _, m in cells.values()))
    log("")
    log(grade_table(rows, chosen))
    return rows
