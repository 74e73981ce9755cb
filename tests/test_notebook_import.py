"""course.notebook_import: a later notebook loads the student's own functions from an earlier one."""

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.checks.im2col import ref_col2im, ref_conv_output_size, ref_im2col
from autograder.checks.fallback import PROVIDER
from course.notebook_import import REFERENCES_VARIABLE, NotebookImportError, load_functions

from helpers import ROOT

MISSING = ("02_convolution needs your 01_im2col notebook at ../01_im2col/im2col.ipynb "
           "— keep the course folders side by side")


def _answer(grade_id, source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


def _test(grade_id, source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


SIZE = "def conv_output_size(size, k, stride=1, pad=0):\n    return (size + 2 * pad - k) // stride + 1"
SCALE = "def scale(x):\n    return FACTOR * np.asarray(x) + conv_output_size(3, 3)"
STUB = 'def scale(x):\n    """Scale x."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'


def _write(folder, cells, name="im2col.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=cells)
    nbformat.write(nb, folder / name)
    return folder / name


def _earlier(tmp_path, scale=SCALE, extra=()):
    """tmp/01_im2col/im2col.ipynb with tests and a figure cell that must never run."""
    return _write(tmp_path / "01_im2col", [
        new_markdown_cell("# 01"),
        new_code_cell("import numpy as np\nfrom math import pi"),
        _answer("conv_output_size", SIZE),
        _test("test_conv_output_size", "raise RuntimeError('a test cell ran')"),
        new_code_cell("raise RuntimeError('a figure cell ran')"),
        _answer("scale", "FACTOR = 2.0\n\n\n" + scale),
        *extra,
    ])


@pytest.fixture
def later(tmp_path, monkeypatch):
    """The kernel's working directory: tmp/02_convolution, next to tmp/01_im2col."""
    folder = tmp_path / "02_convolution"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv(REFERENCES_VARIABLE, raising=False)
    return folder


def test_loads_the_students_own_functions_in_order(tmp_path, later):
    _earlier(tmp_path)
    size, scale = load_functions("01_im2col", "conv_output_size", "scale")
    assert size(5, 3, stride=2, pad=1) == 3
    np.testing.assert_array_equal(scale([1.0, 2.0]), [3.0, 5.0])
    assert scale.__globals__["conv_output_size"] is size
    assert "pi" in scale.__globals__, "the import cell was not run"


def test_each_load_runs_in_a_fresh_namespace(tmp_path, later):
    _earlier(tmp_path)
    first, = load_functions("01_im2col", "scale")
    second, = load_functions("01_im2col", "scale")
    assert first.__globals__ is not second.__globals__
    assert "MISSING" not in first.__globals__, "the caller's globals leaked in"


def test_a_missing_notebook_says_where_it_belongs(later):
    with pytest.raises(NotebookImportError) as error:
        load_functions("01_im2col", "im2col")
    assert str(error.value) == MISSING
    assert isinstance(error.value, RuntimeError)


def test_while_grading_a_missing_notebook_gives_the_references(later, monkeypatch, capsys):
    monkeypatch.setenv(REFERENCES_VARIABLE, PROVIDER)
    found = load_functions("01_im2col", "conv_output_size", "im2col", "col2im")
    assert found == [ref_conv_output_size, ref_im2col, ref_col2im]
    out, err = capsys.readouterr()
    assert err == "" and len(out.strip().splitlines()) == 1 and "reference" in out


def test_while_grading_the_layers_come_from_the_fast_references(later, monkeypatch, capsys):
    from autograder.references.layers import LAYERS
    monkeypatch.setenv(REFERENCES_VARIABLE, PROVIDER)
    found = load_functions("04_dense", "dense_forward", "dense_backward")
    assert found == [LAYERS["dense_forward"], LAYERS["dense_backward"]]


def test_while_grading_an_unfinished_notebook_is_never_replaced(tmp_path, later, monkeypatch):
    monkeypatch.setenv(REFERENCES_VARIABLE, PROVIDER)
    _earlier(tmp_path, scale=STUB)
    with pytest.raises(NotebookImportError, match=r"^finish scale in 01_im2col first "
                                                  r"\(its tests should pass\)$"):
        load_functions("01_im2col", "conv_output_size", "scale")


def test_a_stub_is_recognised_by_its_source_not_by_calling_it(tmp_path, later):
    mentions = 'def scale(x):\n    """Never raise NotImplementedError here."""\n    return x'
    _earlier(tmp_path, scale=mentions)
    scale, = load_functions("01_im2col", "scale")
    assert scale(4) == 4


def test_a_finished_function_may_refuse_some_inputs(tmp_path, later):
    guarded = ("def scale(x):\n    if x is None:\n        raise NotImplementedError('no None')\n"
               "    return x")
    _earlier(tmp_path, scale=guarded)
    assert load_functions("01_im2col", "scale")[0](4) == 4


def test_without_nbgrader_metadata_only_cells_of_definitions_run(tmp_path, later):
    _write(tmp_path / "01_im2col", [
        new_code_cell("import numpy as np"),
        new_code_cell(SIZE),
        new_code_cell("def draw():\n    raise RuntimeError('a figure was drawn')\n\n\ndraw()"),
        new_code_cell("def scale(x):\n    return 2 * np.asarray(x)"),
    ])
    size, scale = load_functions("01_im2col", "conv_output_size", "scale")
    assert size(5, 3) == 3 and scale(2) == 4


def test_a_missing_function_is_named(tmp_path, later):
    _earlier(tmp_path)
    with pytest.raises(NotebookImportError, match="defines no function im2col"):
        load_functions("01_im2col", "im2col")


def test_a_function_defined_only_in_a_test_cell_does_not_count(tmp_path, later):
    _earlier(tmp_path, extra=[_test("test_scale", "def helper():\n    return 1")])
    with pytest.raises(NotebookImportError, match="defines no function helper"):
        load_functions("01_im2col", "helper")


def test_a_crashing_answer_cell_is_named(tmp_path, later):
    _earlier(tmp_path, scale=SCALE + "\n\nscale(x_from_a_test_cell)")
    with pytest.raises(NotebookImportError, match=r"running cell scale of ../01_im2col/im2col.ipynb "
                                                  r"raised NameError"):
        load_functions("01_im2col", "scale")


def test_a_syntax_error_in_an_answer_cell_is_named(tmp_path, later):
    _earlier(tmp_path, scale="def scale(x:\n    return x")
    with pytest.raises(NotebookImportError, match="answer cell 'scale' .* has a syntax error"):
        load_functions("01_im2col", "scale")


def test_a_notebook_with_another_name_is_found_when_it_is_the_only_one(tmp_path, later):
    path = _earlier(tmp_path)
    path.rename(path.with_name("my work.ipynb"))
    assert load_functions("01_im2col", "scale")[0](1.0) == 3.0


def test_several_notebooks_without_the_expected_name_are_refused(tmp_path, later):
    path = _earlier(tmp_path)
    path.rename(path.with_name("a.ipynb"))
    _earlier(tmp_path).rename(path.with_name("b.ipynb"))
    with pytest.raises(NotebookImportError, match="several notebooks"):
        load_functions("01_im2col", "scale")


def test_an_unreadable_notebook_is_named(tmp_path, later):
    (tmp_path / "01_im2col").mkdir()
    (tmp_path / "01_im2col" / "im2col.ipynb").write_text("{not json")
    with pytest.raises(NotebookImportError, match="cannot read ../01_im2col/im2col.ipynb"):
        load_functions("01_im2col", "scale")


# the course's own notebooks

def test_the_source_notebook_of_01_gives_working_functions(monkeypatch):
    monkeypatch.chdir(ROOT / "source" / "01_im2col")
    size, im2col, col2im = load_functions("01_im2col", "conv_output_size", "im2col", "col2im")
    assert im2col is not ref_im2col and size(5, 3, 2, 1) == 3
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 5))
    np.testing.assert_array_equal(im2col(x, 3, 2, 2, 1), ref_im2col(x, 3, 2, 2, 1))


def test_the_untouched_release_of_01_asks_to_finish_it(monkeypatch):
    monkeypatch.chdir(ROOT / "release" / "01_im2col")
    monkeypatch.setenv(REFERENCES_VARIABLE, PROVIDER)
    with pytest.raises(NotebookImportError, match="^finish conv_output_size in 01_im2col first"):
        load_functions("01_im2col", "conv_output_size", "im2col", "col2im")


def test_the_solutions_notebook_of_01_has_no_nbgrader_metadata_and_still_loads(monkeypatch):
    monkeypatch.chdir(ROOT / "solutions" / "01_im2col")
    im2col, = load_functions("01_im2col", "im2col")
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(im2col(x, 2, 2, 2), ref_im2col(x, 2, 2, 2))


def test_loading_from_02_loads_its_own_dependencies_from_01(monkeypatch):
    monkeypatch.chdir(ROOT / "source" / "02_convolution")
    monkeypatch.delenv(REFERENCES_VARIABLE, raising=False)
    conv_forward, = load_functions("02_convolution", "conv_forward")
    assert "im2col" in conv_forward.__globals__
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    out = conv_forward(x, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), np.ones(1))
    np.testing.assert_array_equal(out, [[[[38, 48], [68, 78]]]])
