"""What students and instructors see of a grade, read as they read it.

One grading run of 01_im2col (real sandbox): the solution, a col2im that overwrites
overlapping windows (`=` for `+=`), and a col2im with a syntax error. The feedback page is
read as parsed HTML and, where Chromium is installed, as the DOM and a screenshot of headless
Chromium; the autograded notebooks are read as the formgrader reads them.
"""

import json
import shutil
import subprocess
from html.parser import HTMLParser

import nbformat
import pytest

from autograder.grading.grade import check, grade
from autograder.building.nbgrader_autograde import scratch_course
from autograder.building.submissions import fill, filled_with_solutions

from helpers import ROOT

ASSIGNMENT = "01_im2col"
BUG = ROOT / "tests" / "corpus" / ASSIGNMENT / "bug_col2im_overwrites_overlaps.py"
HARNESS_TEXT = ("run_submission", "__cnn_rec__", "__cnn_rs", "Recorder(", "/cnn-sandbox",
                "cnn-grade-", "job.json", "replayed", "trusted.py")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


class Page(HTMLParser):
    """The parts of a feedback page the tests look at."""

    def __init__(self, text):
        super().__init__()
        self.headings, self.boxes, self.images, self.tables, self.text = [], {}, 0, 0, []
        self.maths, self.scripts = 0, []
        self._box, self._heading = None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "cnn-box" in (attrs.get("class") or ""):
            self._box = attrs.get("data-grade-id")
            self.boxes[self._box] = {"class": attrs["class"], "text": ""}
        if tag in ("h1", "h2"):
            self._heading = ""
        if tag == "img" and (attrs.get("src") or "").startswith("data:image/png;base64,"):
            self.images += 1
        if tag == "table":
            self.tables += 1
        if tag == "math":
            self.maths += 1
        if tag == "script":
            self.scripts.append(attrs.get("src") or "inline")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(self._heading.strip().rstrip("¶"))
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._box is not None:
            self.boxes[self._box]["text"] += data
        if self._heading is not None:
            self._heading += data


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback")
    course = tmp / "course"
    scratch_course(ROOT, ASSIGNMENT, course)
    release = course / "release" / ASSIGNMENT / "im2col.ipynb"
    subs = tmp / "subs"
    fill(release, filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"], subs / "solution.ipynb")
    fill(release, filled_with_solutions(ROOT, ASSIGNMENT, BUG)["im2col.ipynb"], subs / "overlap.ipynb")
    answers = filled_with_solutions(ROOT, ASSIGNMENT)["im2col.ipynb"]
    answers["col2im"] = answers["col2im"].replace("def col2im(cols, x_shape, kh, kw, stride=1, pad=0):",
                                                  "def col2im(cols, x_shape, kh, kw, stride=1, pad=0)")
    fill(release, answers, subs / "syntax.ipynb")
    out = tmp / "out"
    rows = grade(course, ASSIGNMENT, submissions=subs, out=out, jobs=2, log=lambda *a: None)
    return {"rows": {r.student: r for r in rows}, "out": out, "course": course, "subs": subs,
            "release": nbformat.read(release, as_version=4)}


def page_of(graded, student):
    return (graded["out"] / "feedback" / student / f"{ASSIGNMENT}.html").read_text()


def test_page_is_the_notebook_with_a_result_box_under_each_test_cell(graded):
    text = page_of(graded, "overlap")
    page = Page(text)
    title = graded["release"].cells[0].source.splitlines()[0].lstrip("# ")
    assert title in page.headings, page.headings[:5]
    test_ids = [c.metadata["nbgrader"]["grade_id"] for c in graded["release"].cells
                if c.metadata.get("nbgrader", {}).get("grade", False)]
    assert set(page.boxes) == set(test_ids)
    body = "".join(page.text)
    for cell in graded["release"].cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            assert cell.source.splitlines()[0].strip() in body, cell.source[:60]
    assert page.images >= 1 and page.tables >= 1       # figures, and the markdown's tables
    assert page.maths >= 10 and "$$" not in body and "\\frac" not in body   # math as MathML
    assert page.scripts == [] and "cdnjs" not in text                 # nothing loads, offline too
    for harness in HARNESS_TEXT:
        assert harness not in text, harness


def test_a_failing_box_says_what_failed_and_why(graded):
    page = Page(page_of(graded, "overlap"))
    box = page.boxes["test_col2im_values"]
    assert "cnn-fail" in box["class"] and "0 / " in box["text"]
    assert "hidden cases passed" in box["text"]
    assert "overlap" in box["text"].lower()              # the hint that names the bug
    assert "cnn-pass" in page.boxes["test_im2col_values"]["class"]
    results = json.loads((graded["out"] / "feedback" / "overlap" / "results.json").read_text())
    values = next(t for t in results["tests"] if t["name"] == "test_col2im_values")
    assert values["status"] == "failed" and "overlap" in values["output"].lower()


def test_autograded_notebook_is_the_submission_with_metadata_and_outputs(graded):
    path = graded["course"] / "autograded" / "overlap" / ASSIGNMENT / "im2col.ipynb"
    nb = nbformat.read(path, as_version=4)
    release = graded["release"]
    assert [c.cell_type for c in nb.cells] == [c.cell_type for c in release.cells]
    for mine, theirs in zip(nb.cells, release.cells):
        assert mine.metadata.get("nbgrader") == theirs.metadata.get("nbgrader")
    assert nb.cells[0].source == release.cells[0].source
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    for harness in HARNESS_TEXT:
        assert all(harness not in c.source for c in nb.cells), harness


def test_syntax_error_is_flagged_with_the_cell_and_line(graded):
    row = graded["rows"]["syntax"]
    assert "syntax-error" in row.flags, row.flags
    assert "'col2im'" in row.flags["syntax-error"] and "line 1" in row.flags["syntax-error"]
    assert "syntax-error" in page_of(graded, "syntax")
    ok, table = check(graded["subs"] / "syntax.ipynb", root=graded["course"])
    assert not ok and "syntax-error" in table and "'col2im'" in table


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_page_in_a_real_browser(graded, tmp_path):
    page = graded["out"] / "feedback" / "overlap" / f"{ASSIGNMENT}.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    rendered = Page(dom)
    assert len(rendered.boxes) == 7 and rendered.images >= 1 and rendered.maths >= 10
    assert "cnn-fail" in rendered.boxes["test_col2im_values"]["class"]
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,2400",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 20_000
