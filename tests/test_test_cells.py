"""Test cells print nothing to stderr and end without a value (nbgrader would score them).

The source notebooks are executed for real; the release ones too, where every
test must fail with a check's sentence (an unwritten function says so, never as a
raw NotImplementedError) and still must not end with a value.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import ASSIGNMENTS, ROOT


def executed(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, allow_errors=True, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def graded_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("kind", ["source", "release"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_never_write_stderr_or_end_with_a_value(assignment, kind):
    for path in sorted((ROOT / kind / assignment).glob("*.ipynb")):
        for cell in graded_cells(executed(path)):
            kinds = [o.get("name", o.output_type) for o in cell.outputs]
            assert "stderr" not in kinds, f"{path.name}:{cell.id} writes to stderr"
            assert "execute_result" not in kinds, f"{path.name}:{cell.id} ends with a value"
            if kind == "source":
                assert "error" not in kinds, f"{path.name}:{cell.id} fails on the solution"
            else:
                assert "error" in kinds, f"{path.name}:{cell.id} passes on the untouched stub"
                raw = [f"{o.ename}: {o.evalue}" for o in cell.outputs
                       if o.output_type == "error" and o.ename != "AssertionError"]
                assert not raw, f"{path.name}:{cell.id} fails on the stub with a raw {raw}"
