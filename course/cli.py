"""The `cnn-course` command."""

import argparse
import sys


def _build(args):
    from autograder.build import build
    from autograder.course_root import find_root
    build(find_root(args.root), args.assignments or None)


def _demo(args):
    from autograder.course_root import find_root
    from autograder.demo import demo
    demo(find_root(args.root))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cnn-course", description=__doc__)
    parser.add_argument("--root", help="course root (default: the folder holding "
                        "nbgrader_config.py, at or above the current one)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="generate release/ and solutions/ from source/")
    build.add_argument("assignments", nargs="*", help="only these (default: all)")
    build.set_defaults(run=_build)
    demo = commands.add_parser("demo", help="build, grade three simulated students, print grades")
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    from autograder.course_root import CourseError
    try:
        args.run(args)
    except CourseError as error:
        print(f"cnn-course: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
