"""The `cnn-course` command."""

import argparse
import sys


def _build(args):
    from .building.build import build
    from .course_root import find_root
    build(find_root(args.root), args.assignments or None)


def _demo(args):
    from .course_root import find_root
    from .building.demo import demo
    demo(find_root(args.root))


def _limits(args):
    from .grading.sandbox import Limits
    return Limits(wall=args.timeout, cell=args.cell_timeout, memory_mb=args.memory)


def _grade(args):
    from .course_root import find_root
    options = dict(submissions=args.submissions, out=args.out, use_sandbox=not args.no_sandbox,
                   limits=_limits(args), progress=True)
    if args.scheduler:
        from .grading.cluster import grade_on_cluster
        grade_on_cluster(args.scheduler, find_root(args.root), args.assignment, **options)
    else:
        from .grading.grade import grade
        grade(find_root(args.root), args.assignment, jobs=args.jobs, **options)


def _check(args):
    from .grading.grade import check
    ok, table = check(args.notebook, root=args.root, use_sandbox=not args.no_sandbox,
                      limits=_limits(args))
    print(table)
    return 0 if ok else 1


def _export_student(args):
    from .building.export import export_student
    from .course_root import find_root
    print(f"wrote {export_student(find_root(args.root), args.out)}")


def _export_gradescope(args):
    from .building.gradescope_export import export_gradescope
    from .course_root import find_root
    print(f"wrote {export_gradescope(find_root(args.root), args.assignment, args.out)}")


def _sandbox_options(parser):
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without bubblewrap (unsafe)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per notebook")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell")
    parser.add_argument("--memory", type=int, default=2048, help="MB of address space")


def main(argv=None):
    # nbformat's import costs 1.3 s more without this: see skip_slow_optional_imports
    sys.modules.setdefault("rfc3987_syntax", None)
    parser = argparse.ArgumentParser(prog="cnn-course", description=__doc__)
    parser.add_argument("--root", help="course root (default: the folder holding "
                        "nbgrader_config.py, at or above the current one)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="generate release/ and solutions/ from source/")
    build.add_argument("assignments", nargs="*", help="only these (default: all)")
    build.set_defaults(run=_build)
    demo = commands.add_parser("demo", help="build, grade three simulated students, print grades")
    demo.set_defaults(run=_demo)
    grade = commands.add_parser("grade", help="grade every submission of an assignment, "
                                "sandboxed, with trusted scores")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", help="folder or .zip of <student>/<notebook>.ipynb or "
                       "<student>.ipynb (default: nbgrader's submitted/)")
    grade.add_argument("--out", help="output folder (default: grades/ASSIGNMENT)")
    grade.add_argument("--jobs", type=int, help="submissions at once (default: number of cores)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="a Dask scheduler whose workers run the sandboxes (pip install "
                       "'cnn-course[cluster]'; see the README)")
    _sandbox_options(grade)
    grade.set_defaults(run=_grade)
    check = commands.add_parser("check", help="run the hidden checks on one notebook")
    check.add_argument("notebook")
    _sandbox_options(check)
    check.set_defaults(run=_check)
    export = commands.add_parser("export", help="what to hand out: `export student OUT.zip`, "
                                 "`export gradescope ASSIGNMENT OUT.zip`")
    kinds = export.add_subparsers(dest="what", required=True)
    student = kinds.add_parser("student", help="release notebooks and the toolkit, no solutions")
    student.add_argument("out", help="the .zip to write")
    student.set_defaults(run=_export_student)
    gradescope = kinds.add_parser("gradescope", help="a Gradescope autograder for one assignment")
    gradescope.add_argument("assignment")
    gradescope.add_argument("out", help="the .zip to write")
    gradescope.set_defaults(run=_export_gradescope)
    args = parser.parse_args(argv)
    from .course_root import CourseError
    try:
        return args.run(args) or 0
    except CourseError as error:
        print(f"cnn-course: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
