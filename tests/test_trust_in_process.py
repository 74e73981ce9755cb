"""The trust code in process, without a sandbox: restoring test cells, the static scan,
intake, and the replay of the visible tests on recorded values."""

import copy
import dataclasses
import json
import os
import zipfile

import nbformat
import pytest

from autograder.building.submissions import fill, filled_with_solutions, variant_sources
from autograder.grading import intake, stream
from autograder.grading.grade import restore_tests
from autograder.grading.run_submission import Recorder, write_records
from autograder.grading.trusted import load_spec, replay_visible, static_scan
from autograder.notebook import grade_ids, nbgrader_meta

from helpers import CORPUS, ROOT

ASSIGNMENT = "01_im2col"
RELEASE = ROOT / "release" / ASSIGNMENT / "im2col.ipynb"


@pytest.fixture(scope="module")
def spec():
    return load_spec(ROOT, ASSIGNMENT)


def release():
    return nbformat.read(RELEASE, as_version=4)


def graded_cells(spec):
    return set(spec.cells)


# ---------------------------------------------------------------- restoring test cells

def _cell(nb, gid):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid)


def test_an_edited_test_cell_is_put_back_and_named(spec):
    nb = release()
    _cell(nb, "test_im2col_shapes").source = "pass"
    restored, edited = restore_tests(nb, release(), graded_cells(spec))
    assert edited == ["test_im2col_shapes"]
    assert _cell(restored, "test_im2col_shapes").source == _cell(release(), "test_im2col_shapes").source


def test_a_deleted_test_cell_comes_back_in_its_place(spec):
    nb = release()
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != "test_col2im_values"]
    restored, edited = restore_tests(nb, release(), graded_cells(spec))
    assert edited == ["test_col2im_values"]
    order = [nbgrader_meta(c).get("grade_id") for c in restored.cells]
    assert order.index("test_col2im_shapes") < order.index("test_col2im_values") \
        < order.index("test_col2im_inputs")


def test_a_duplicated_or_look_alike_test_cell_loses_its_grading(spec):
    nb = release()
    twin = copy.deepcopy(_cell(nb, "test_im2col_values"))
    twin.source = "assert True"
    fake = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_extra_points", "points": 100, "solution": False}})
    nb.cells += [twin, fake]
    restored, edited = restore_tests(nb, release(), graded_cells(spec))
    assert edited == []
    graded = [nbgrader_meta(c).get("grade_id") for c in restored.cells if nbgrader_meta(c).get("grade")]
    assert sorted(graded) == sorted(graded_cells(spec))


def test_restored_cells_carry_no_outputs(spec):
    nb = release()
    _cell(nb, "test_im2col_shapes").outputs = [nbformat.v4.new_output("stream", text="all pass")]
    restored, _ = restore_tests(nb, release(), graded_cells(spec))
    assert all(not c.outputs for c in restored.cells if c.cell_type == "code")


# ---------------------------------------------------------------- the static scan

@pytest.mark.parametrize("code,kind,words", [
    ("import torch", "forbidden", "torch"),
    ("from scipy.signal import correlate", "forbidden", "scipy.signal"),
    ("__import__('torch')", "forbidden", "torch"),
    ("import importlib\nm = importlib.import_module('jax.numpy')", "forbidden", "jax.numpy"),
    ("import numpy as np\nnp.allclose = lambda *a, **k: True", "patch", "np.allclose"),
    ("import course.feedback\ncourse.feedback.check_array = print", "patch", "check_array"),
    ("setattr(np, 'isclose', lambda *a: True)", "patch", "setattr(np"),
    ("import sys\nsys.modules['autograder'] = None", "patch", "sys.modules"),
    ("open('../../source/01_im2col/im2col.ipynb').read()", "patch", "private files"),
    ("import os\nos.remove('/etc/passwd')", "patch", "outside the submission"),
    ("f = lambda: 0\nf.__code__", "patch", "__code__"),
    ("import gc\ngc.get_objects()", "patch", "get_objects"),
    ("import sys\nsys._getframe(1).f_globals", "patch", "_getframe"),
    ("exec(compile('x = 1', 'cell', 'exec'))", "patch", "compile"),
    ("import ctypes", "patch", "ctypes"),
])
def test_the_static_scan_catches_each_form(code, kind, words):
    forbidden, patches = static_scan([code])
    found = " ".join(forbidden) if kind == "forbidden" else " ".join(patches)
    assert words in found, (forbidden, patches)


def test_the_static_scan_leaves_honest_code_alone():
    honest = [code for code in filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"].values()]
    honest += ["%matplotlib inline\nimport numpy as np\nfrom numpy.lib.stride_tricks import "
               "sliding_window_view"]
    assert static_scan(honest) == ([], [])


# ---------------------------------------------------------------- intake

def expected(spec):
    return {name: grade_ids(nb) for name, nb in spec.source.items()}


def _submit(path, answers=None):
    fill(RELEASE, answers or filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"], path)
    return path


def test_intake_of_folders_loose_files_and_renames(spec, tmp_path):
    subs = tmp_path / "subs"
    _submit((subs / "ada" / "im2col.ipynb").parent.mkdir(parents=True) or subs / "ada" / "im2col.ipynb")
    (subs / "bob").mkdir()
    _submit(subs / "bob" / "Copy of im2col.ipynb")
    _submit(subs / "cy.ipynb")
    (subs / "dee").mkdir()
    (subs / "dee" / "notes.txt").write_text("no notebook")
    found = {s.student: s for s in intake.collect(ROOT, ASSIGNMENT, expected(spec), {}, subs,
                                                  tmp_path / "work")}
    assert sorted(found) == ["ada", "bob", "cy", "dee"]
    assert found["ada"].flags == {} and "im2col.ipynb" in found["ada"].notebooks
    assert "renamed-notebook" in found["bob"].flags and "im2col.ipynb" in found["bob"].notebooks
    assert found["cy"].flags == {}
    assert "missing-notebook" in found["dee"].flags


def test_intake_of_a_zip_with_one_top_folder_and_a_bad_notebook(spec, tmp_path):
    archive = tmp_path / "lms.zip"
    good = _submit(tmp_path / "good.ipynb")
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(good, "export/ada/im2col.ipynb")
        zf.writestr("export/bob/im2col.ipynb", "{not json")
        zf.writestr("export/../escape.ipynb", "{}")
    found = {s.student: s for s in intake.collect(ROOT, ASSIGNMENT, expected(spec), {}, archive,
                                                  tmp_path / "work")}
    assert sorted(found) == ["ada", "bob"]
    assert found["ada"].flags == {}
    assert "malformed-notebook" in found["bob"].flags
    assert not (tmp_path / "work" / "escape.ipynb").exists()


# ---------------------------------------------------------------- replay

def _record(spec, gid, answers, tmp_path):
    """The records a sandboxed phase A would send for the visible test `gid`, made in process
    with the harness's own Recorder around the student's functions."""
    namespace = {}
    exec("import numpy as np\nfrom course.feedback import *", namespace)
    for code in answers.values():
        exec(code, namespace)
    out = tmp_path / "out"
    recorder = Recorder(out, spec.functions)
    recorder.begin(gid, namespace)
    try:
        exec(spec.cells[gid].visible, namespace)
    except AssertionError as error:
        message = str(error)
    else:
        message = ""
    recorder.end()
    read, write = os.pipe()
    write_records(write, out)
    os.close(write)
    return stream.parse(os.fdopen(read, "rb").read()), message


@pytest.mark.parametrize("gid,variant", [
    ("test_im2col_values", None),
    ("test_im2col_values", "bug_im2col_channel_last_columns"),
    ("test_im2col_shapes", "bug_im2col_pads_only_output_size"),
    ("test_col2im_values", "bug_col2im_overwrites_overlaps"),
])
def test_the_replay_gives_what_the_notebook_gave(spec, gid, variant, tmp_path):
    answers = filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"]
    if variant:
        answers.update(variant_sources(CORPUS / ASSIGNMENT / f"{variant}.py"))
    bundle, in_notebook = _record(spec, gid, answers, tmp_path)
    result, message = replay_visible(spec, spec.cells[gid], bundle)
    assert result == ("fail" if in_notebook else "pass"), message
    assert message.split(":")[0] == in_notebook.split(":")[0]
    for harness in ("replayed", "recorded", "trusted.py", "run_submission"):
        assert harness not in message


def test_a_replay_without_records_is_not_a_failure(spec):
    result, _ = replay_visible(spec, spec.cells["test_im2col_shapes"], stream.Bundle())
    assert result == "not-run"


def test_a_replay_of_forged_values_fails(spec, tmp_path):
    answers = filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"]
    bundle, _ = _record(spec, "test_im2col_values", answers, tmp_path)
    name = "visible/test_im2col_values/0.json"
    record = json.loads(bundle.records[name])
    record["fn"] = "col2im"
    bundle.records[name] = json.dumps(record).encode()
    result, message = replay_visible(spec, spec.cells["test_im2col_values"], bundle)
    assert result == "fail" and "do not match" in message


def test_a_visible_test_that_calls_no_graded_function_is_not_replayed():
    """A visible test that only reads what a cell above it left (06's accuracy test once read the
    loop test's history): the replay has nothing of the student's to check there, so it says
    unavailable (a failure would flag `tampered`)."""
    spec = load_spec(ROOT, "06_cnn")
    reads_only = dataclasses.replace(spec.cells["test_train_accuracy"],
                                     visible='assert history["val_acc"][-1] > 0.6\n')
    result, message = replay_visible(spec, reads_only, stream.Bundle())
    assert result == "unavailable", message
