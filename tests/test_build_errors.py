"""A broken source notebook stops the build with one line naming notebook and cell,
and nothing already generated is touched."""

import json
import shutil

import pytest

from autograder.course_root import CONFIG_FILE
from autograder.cli import main

from helpers import ROOT

NOTEBOOK = "source/01_im2col/im2col.ipynb"


@pytest.fixture
def course(tmp_path):
    shutil.copyfile(ROOT / CONFIG_FILE, tmp_path / CONFIG_FILE)
    shutil.copytree(ROOT / "source" / "01_im2col", tmp_path / "source" / "01_im2col")
    shutil.copytree(ROOT / "release" / "01_im2col", tmp_path / "release" / "01_im2col")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "sentinel.txt").write_text("keep me")
    config = (tmp_path / CONFIG_FILE).read_text()
    start = config.index("c.CnnCourse.assignments")
    end = config.index("]", start) + 1
    (tmp_path / CONFIG_FILE).write_text(config[:start] + 'c.CnnCourse.assignments = ["01_im2col"]'
                                        + config[end:])
    return tmp_path


def cells_of(course):
    return json.loads((course / NOTEBOOK).read_text())


def save(course, nb):
    (course / NOTEBOOK).write_text(json.dumps(nb))


def index_of(nb, grade_id):
    return next(i for i, c in enumerate(nb["cells"])
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def break_json(course):
    (course / NOTEBOOK).write_text((course / NOTEBOOK).read_text()[:-40])
    return None


def drop_grade_id(course):
    nb = cells_of(course)
    i = index_of(nb, "im2col")
    del nb["cells"][i]["metadata"]["nbgrader"]["grade_id"]
    save(course, nb)
    return f"cell {i}"


def duplicate_grade_id(course):
    nb = cells_of(course)
    i = index_of(nb, "col2im")
    nb["cells"][i]["metadata"]["nbgrader"]["grade_id"] = "im2col"
    save(course, nb)
    return f"cell {i}"


def malformed_cell(course):
    nb = cells_of(course)
    i = index_of(nb, "test_im2col_values")
    del nb["cells"][i]["source"]
    save(course, nb)
    return f"cell {i}"


def unbalanced_markers(course):
    nb = cells_of(course)
    i = index_of(nb, "test_col2im_values")
    source = "".join(nb["cells"][i]["source"])
    nb["cells"][i]["source"] = source.replace("### END HIDDEN TESTS", "")
    save(course, nb)
    return f"cell {i}"


@pytest.mark.parametrize("damage", [break_json, drop_grade_id, duplicate_grade_id,
                                    malformed_cell, unbalanced_markers])
def test_broken_source_stops_with_one_line_and_damages_nothing(course, damage, capsys):
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file() and "source" not in p.parts}
    cell = damage(course)
    assert main(["--root", str(course), "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert NOTEBOOK in err
    if cell:
        assert cell in err
    after = {p: p.read_bytes() for p in course.rglob("*") if p.is_file() and "source" not in p.parts}
    assert after == before


def test_unknown_assignment_is_refused(course, capsys):
    assert main(["--root", str(course), "build", "07_transformers"]) == 2
    assert "unknown assignment '07_transformers'" in capsys.readouterr().err
