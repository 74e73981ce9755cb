"""What `grade` writes: grades.csv, scores_by_function.csv, feedback HTML, Gradescope
results.json, a printed summary and summary.png; and the table `check` prints.

The feedback page (autograder.grading.feedback_page) shows the student's notebook as
executed, with the released (visible) test cells; hidden test code never reaches
it (cells are taken from the release, and anything between hidden-test markers
is cut out as a second guard). Hidden *cases* appear only by their description
and hint.
"""

import csv
import dataclasses
import json
from collections import Counter
from pathlib import Path

from . import feedback_page
from .intake import folder_name


def flag_text(row):
    return ";".join(sorted(row.flags))


def function_scores(spec, row):
    """{function: (score, max, passed cases, total cases)}."""
    found = {}
    for result in row.notebooks.values():
        for fn, data in result["functions"].items():
            found[fn] = [0.0, 0.0, data["passed"], data["total"]]
    for cell in spec.cells.values():
        fns = sorted(cell.cases) or ["(visible only)"]
        result = next((r["cells"].get(cell.grade_id) for r in row.notebooks.values()
                       if cell.grade_id in r["cells"]), None)
        for fn in fns:
            entry = found.setdefault(fn, [0.0, 0.0, 0, sum(len(c) for c in [cell.cases.get(fn, [])])])
            entry[1] += cell.points / len(fns)
            if result:
                entry[0] += result["score"] / len(fns)
    return {fn: tuple(v) for fn, v in found.items()}


def gradescope(spec, row, isolation=None):
    """`row` in Gradescope's results.json format: a test per test cell, with the feedback
    page's text (hidden cases counted, never shown), and the flags in the top-level output."""
    tests = []
    for result in row.notebooks.values():
        for gid, cell in result["cells"].items():
            headline, details = feedback_page.box_lines(cell)
            tests.append({"name": gid, "score": cell["score"], "max_score": cell["points"],
                          "status": "passed" if cell["score"] == cell["points"] else "failed",
                          "output": "\n".join([headline, *details]), "visibility": "visible"})
    flags = [f"{k}: {v}" for k, v in sorted(row.flags.items())]
    output = [f"{spec.assignment}: {row.score:g} / {row.max_score:g}",
              *(["flags:", *flags] if flags else ["flags: none"]),
              *([f"isolation: {isolation}"] if isolation else [])]
    return {"score": row.score, "output": "\n".join(output), "visibility": "visible",
            "tests": tests}


def write(out, spec, rows, log=print):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", "flags", "explanation"])
        for row in rows:
            writer.writerow([row.student, f"{row.score:g}", f"{row.max_score:g}", flag_text(row),
                             " | ".join(f"{k}: {v}" for k, v in sorted(row.flags.items()))])
    with open(out / "scores_by_function.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "function", "score", "max_score", "passed_cases", "total_cases"])
        for row in rows:
            for fn, (score, top, passed, total) in function_scores(spec, row).items():
                writer.writerow([row.student, fn, f"{score:g}", f"{top:g}", passed, total])
    for row in rows:
        try:
            write_feedback(out, spec, row)
        except Exception as error:  # noqa: BLE001 - one student never stops the batch
            row.flags["grader-error"] = (f"its feedback could not be written: "
                                         f"{type(error).__name__}: {str(error)[:200]}")
            log(f"{row.student}: {row.flags['grader-error']}")
            write_feedback(out, spec, row, notebooks=False)
    log(summary(spec, rows, out))


def write_feedback(out, spec, row, notebooks=True):
    """feedback/<student>/<assignment>.html and results.json; without `notebooks`, the page
    holds the scores and flags alone."""
    folder = Path(out) / "feedback" / folder_name(row.student)
    folder.mkdir(parents=True, exist_ok=True)
    page = feedback_page.render(spec, row if notebooks else dataclasses.replace(row, executed={}))
    (folder / f"{spec.assignment}.html").write_text(page)
    (folder / "results.json").write_text(json.dumps(gradescope(spec, row), indent=1))


def pass_rates(spec, rows):
    rates = {}
    for fn in spec.cases:
        passed = sum(1 for row in rows for r in row.notebooks.values()
                     if fn in r["functions"] and r["functions"][fn]["passed"] == r["functions"][fn]["total"])
        rates[fn] = passed / len(rows) if rows else 0.0
    return rates


def summary(spec, rows, out):
    counts = Counter(row.score for row in rows)
    lines = [f"{len(rows)} submission(s) of {spec.assignment}, out of {spec.max_score:g} points",
             "score distribution:"]
    for score in sorted(counts):
        lines.append(f"  {score:>6g}  {'#' * counts[score]} {counts[score]}")
    lines.append("pass rate per function (all hidden cases):")
    rates = pass_rates(spec, rows)
    for fn, rate in rates.items():
        lines.append(f"  {fn:<24} {100 * rate:5.1f}%")
    flagged = Counter(f for row in rows for f in row.flags)
    if flagged:
        lines.append("flags: " + ", ".join(f"{f} ×{n}" for f, n in sorted(flagged.items())))
    frequent = common_mistakes(rows)
    if frequent:
        lines.append("most frequent mistakes (what to re-teach), by the hint of the failing cases:")
        lines += [f"  {n:>3} student(s)  {fn}: {hint}" for (fn, hint), n in frequent]
    try:
        _plot(rows, rates, spec, Path(out) / "summary.png")
        lines.append(f"written to {out}/ (grades.csv, scores_by_function.csv, feedback/, summary.png)")
    except Exception as error:  # noqa: BLE001 - a plot is not worth failing the batch
        lines.append(f"(no plot: {error})")
    return "\n".join(lines)


def common_mistakes(rows, most=5):
    """[((function, hint), students)] for the hints of failing cases, most students first."""
    counts = Counter()
    for row in rows:
        counts.update({(fn, hint) for r in row.notebooks.values()
                       for fn, data in r["functions"].items() for hint in data["hints"]})
    return counts.most_common(most)


def _plot(rows, rates, spec, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.hist([row.score for row in rows], bins=max(1, int(spec.max_score) + 1),
              range=(-0.5, spec.max_score + 0.5), color="tab:blue")
    left.set_xlabel("score")
    left.set_ylabel("students")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title(f"{spec.assignment}: score distribution")
    right.barh(list(rates), [100 * r for r in rates.values()], color="tab:green")
    right.set_xlim(0, 100)
    right.set_xlabel("% of students passing every hidden case")
    right.set_title(f"{spec.assignment}: pass rate per function")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def check_table(spec, row):
    """(everything passed, text): one row per function, for `cnn-course check`, then each
    failing function's distinct hints in full."""
    scores = function_scores(spec, row)
    first, hints = {}, {}
    for result in row.notebooks.values():
        for fn, data in result["functions"].items():
            first[fn] = data["first_failure"]
            hints[fn] = data["hints"]
        for gid, cell in result["cells"].items():
            if cell["visible"] == "fail":
                for fn in cell["functions"]:
                    if not first.get(fn):
                        first[fn] = f"visible test {gid}: {cell['visible_message']}"
    lines = [["function", "result", "points", "first failing case"]]
    ok = not row.flags or set(row.flags) <= {"renamed-notebook", "giant-output"}
    notes = []
    for fn, (score, top, passed, total) in scores.items():
        good = score == top and passed == total
        ok = ok and good
        lines.append([fn, "pass" if good else "FAIL", f"{score:g}/{top:g}",
                      "" if good else first.get(fn, "")])
        if not good and hints.get(fn):
            notes.append(f"{fn}: " + ("hint" if len(hints[fn]) == 1 else "hints") + ":")
            notes += [f"  - {hint}" for hint in hints[fn]]
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    table = "\n".join("  ".join([*(c.ljust(w) for c, w in zip(line[:3], widths)), line[3]]).rstrip()
                      for line in lines)
    table += "".join(f"\n{note}" for note in notes)
    table += f"\ntotal: {row.score:g}/{row.max_score:g}"
    for flag, why in sorted(row.flags.items()):
        table += f"\nflag {flag}: {why}"
    return ok and row.score == row.max_score, table
