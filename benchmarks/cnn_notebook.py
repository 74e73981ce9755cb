"""Execute the solution notebook of 06_cnn and print its wall time and its accuracy line.

    python benchmarks/cnn_notebook.py [path/to/cnn.ipynb]

Runs solutions/06_cnn/cnn.ipynb (run `cnn-course build` first) in its own folder, so
it loads the layers from the solutions of 02-05 next to it, as a self-learner's
copy does. The targets: under 60 s on a 2-core machine, test accuracy at least 0.97.
Nothing is written back to the notebook.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT, ACCURACY_TARGET = 60.0, 0.97


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "solutions" / "06_cnn" / "cnn.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    lines = [line for cell in nb.cells if cell.cell_type == "code"
             for out in cell.outputs if out.get("name") == "stdout"
             for line in out.text.splitlines() if line.startswith("test accuracy: ")]
    if len(lines) != 1:
        print(f"{path}: expected one 'test accuracy:' line, found {len(lines)}")
        return 1
    accuracy = float(lines[0].split(": ")[1])
    print(f"notebook: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"wall time: {wall:.1f} s (target < {TIME_LIMIT:.0f} s)")
    print(lines[0] + f" (target >= {ACCURACY_TARGET})")
    return 0 if wall < TIME_LIMIT and accuracy >= ACCURACY_TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
