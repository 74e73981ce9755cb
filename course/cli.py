"""`cnn-course check NOTEBOOK` for the students of a graded class (the toolkit alone)."""

import argparse
import sys
from pathlib import Path

from .visible_check import check_table, run_visible_tests


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cnn-course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run a notebook's visible tests, per function")
    check.add_argument("notebook")
    args = parser.parse_args(argv)
    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"cnn-course: {notebook}: no such notebook — give the path of your .ipynb file",
              file=sys.stderr)
        return 2
    ok, table = check_table(run_visible_tests(notebook))
    print(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
