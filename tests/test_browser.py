"""The course as people use it: JupyterLab with nbgrader's extensions, in headless Chromium.

One JupyterLab server (127.0.0.1, a free port, a token) runs in a scratch copy of the course,
with Jupyter's config, data and runtime folders in a temporary folder, and one Chromium
(Debian's, driven by Playwright) opens it:

1. a student opens 01_im2col from the file browser, types im2col into its answer cell, runs all
   cells, reads the visible tests' results and presses nbgrader's Validate;
2. the same with `=` for `+=` in col2im: the visible test's message, and Validate's failure;
3. 02_convolution beside a solved 01 loads the student's own 01 functions and passes its tests;
4. the instructor's formgrader lists the assignments and, after `cnn-course grade` (started in
   the background when the module starts), the graded submissions with their scores and one
   autograded notebook with the student's cells and the test results;
5. a student's feedback page from that grading, with a result box per test and the figures.

A screenshot of each scenario is saved in $CNN_COURSE_SCREENSHOTS, else in pytest's temporary
folder (the path is printed). Run them alone with `python -m pytest -m browser`.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.building.submissions import fill, filled_with_solutions
from helpers import ASSIGNMENTS, ROOT

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-quic"]
BUG = ROOT / "tests" / "corpus" / "01_im2col" / "bug_col2im_overwrites_overlaps.py"
STUDENTS = {"ada": None, "bob": BUG}          # the graded class: a solution and the overlap bug
STDERR = "application/vnd.jupyter.stderr"     # how JupyterLab marks an error's output
SECONDS = 1000                                 # Playwright's timeouts are in milliseconds

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),        # one server for the module, on one worker
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"{CHROMIUM} missing: `make system` installs Debian's chromium"),
]
playwright = pytest.importorskip(
    "playwright.sync_api", reason="playwright missing: it is in the test extra (`make test` installs it)")
expect = playwright.expect
expect.set_options(timeout=30 * SECONDS)      # a busy 2-core machine; waits end as soon as met


# --- the scratch course, the grading run and the server ------------------------------------

def release(assignment):
    return next((ROOT / "release" / assignment).glob("*.ipynb"))


def solutions(assignment, variant=None):
    return filled_with_solutions(ROOT, assignment, variant)[release(assignment).name]


def cell_index(notebook, grade_id):
    """The position of the cell with this grade_id: the page shows the cells in file order."""
    cells = nbformat.read(notebook, as_version=4).cells
    return next(i for i, c in enumerate(cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solution_body(assignment, grade_id):
    """The lines between ### BEGIN SOLUTION and ### END SOLUTION of a source answer cell."""
    source = next((ROOT / "source" / assignment).glob("*.ipynb"))
    cell = nbformat.read(source, as_version=4).cells[cell_index(source, grade_id)]
    lines = cell.source.split("\n")
    begin = next(i for i, l in enumerate(lines) if l.strip() == "### BEGIN SOLUTION")
    end = next(i for i, l in enumerate(lines) if l.strip() == "### END SOLUTION")
    return lines[begin + 1:end]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder as an instructor has it (config, source/, release/, an exchange), with
    the students' work of the scenarios beside release/ and two collected submissions of 01."""
    course = tmp_path_factory.mktemp("browser") / "course"
    course.mkdir()
    shutil.copyfile(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder, course / folder)
    (course / "exchange").mkdir()

    def everything_but(name):
        return {k: v for k, v in solutions("01_im2col").items() if k != name}

    # 1: im2col is typed in the browser; 2: col2im is (with the bug)
    for folder, typed in (("release", "im2col"), ("wrong", "col2im")):
        fill(release("01_im2col"), everything_but(typed), course / folder / "01_im2col" / "im2col.ipynb")
    # 3: a solved 01 beside a filled 02
    fill(release("01_im2col"), solutions("01_im2col"), course / "later" / "01_im2col" / "im2col.ipynb")
    fill(release("02_convolution"), solutions("02_convolution"),
         course / "later" / "02_convolution" / "convolution.ipynb")
    # 4, 5: what `nbgrader collect` leaves for the grader
    for student, variant in STUDENTS.items():
        fill(release("01_im2col"), solutions("01_im2col", variant),
             course / "submitted" / student / "01_im2col" / "im2col.ipynb")
    return course


@pytest.fixture(scope="module")
def grading(course):
    """`cnn-course grade 01_im2col` in the scratch course, running while the students work."""
    if shutil.which("bwrap") is None:
        yield None
        return
    cli = Path(sys.executable).with_name("cnn-course")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "autograder.cli"]
    log = course.parent / "grade.log"
    with open(log, "w") as out:
        process = subprocess.Popen([*command, "grade", "01_im2col", "--jobs", "2"], cwd=course,
                                   stdout=out, stderr=subprocess.STDOUT)
    yield process, log
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def graded(grading, course):
    """The grading run, finished; skips where bubblewrap is missing."""
    if grading is None:
        pytest.skip("bwrap missing: `cnn-course grade` needs bubblewrap (`make system` installs it)")
    process, log = grading
    try:
        process.wait(timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail(f"cnn-course grade ran for 5 minutes: {log.read_text()[-2000:]}")
    assert process.returncode == 0, log.read_text()[-3000:]
    return course


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(course, grading):
    """JupyterLab in the scratch course, with nothing of this machine's Jupyter state: its
    config, data and runtime folders are new, and the news toast is off in its user settings."""
    jupyter = course.parent / "jupyter"
    settings = jupyter / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
           "JUPYTER_DATA_DIR": str(jupyter / "data"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
           "IPYTHONDIR": str(jupyter / "ipython")}
    env.pop("CNN_COURSE_REFERENCES", None)     # set by the tests' conftest; a student has none
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               *(["--allow-root"] if os.geteuid() == 0 else [])]
    log = course.parent / "jupyterlab.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {log.read_text()[-3000:]}")
                time.sleep(0.25)
        yield {"base": base, "token": token, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium with a fresh profile, driven by Playwright (no browser download)."""
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=LAUNCH_ARGS, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60 * SECONDS)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = Path(os.environ.get("CNN_COURSE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"browser screenshots: {folder}")
    return folder


@pytest.fixture
def page(browser, screenshots, request):
    """A new tab; its last state is saved as <test>-last.png, which shows where a failure
    stopped."""
    page = browser.new_page()
    try:
        yield page
    finally:
        try:
            page.screenshot(path=screenshots / f"{request.node.name}-last.png")
        except playwright.Error:
            pass                               # a crashed page: the test's own error says why
        page.close()


def shoot(page, screenshots, name):
    path = screenshots / f"{name}.png"
    page.screenshot(path=path)
    print(f"screenshot: {path}")
    return path


# --- what a person does in JupyterLab ------------------------------------------------------

def open_lab(page, server):
    page.goto(f"{server['base']}/lab?reset&token={server['token']}")
    expect(page.locator(".jp-DirListing-item").first).to_be_visible(timeout=90 * SECONDS)


def open_in_file_browser(page, *names):
    """Double-click each name in turn in the file browser: folders, then the notebook."""
    listing = page.locator(".jp-DirListing-content")
    for name in names:
        listing.locator(".jp-DirListing-itemName", has_text=re.compile(f"^{re.escape(name)}$")) \
            .dblclick(timeout=30 * SECONDS)
    notebook = page.locator(".jp-NotebookPanel:visible")
    expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=30 * SECONDS)
    return notebook


def cells_of(notebook, notebook_file):
    """The notebook's cells on the page, once all are there (the lab adds them in batches)."""
    cells = notebook.locator(".jp-Cell")
    expect(cells).to_have_count(len(nbformat.read(notebook_file, as_version=4).cells),
                                timeout=30 * SECONDS)
    return cells


def type_answer(page, cell, body):
    """Replace the stub's `raise NotImplementedError()` by `body`, key by key. The editor indents
    after Enter as it likes; Shift+Home selects that indentation, and the line's own replaces it."""
    cell.locator(".cm-line", has_text="raise NotImplementedError()").click(timeout=30 * SECONDS)
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    for number, line in enumerate(body):
        if number:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")
        page.keyboard.type(line if number else line.lstrip())


def run_all(page, notebook, timeout=180):
    """Run ▸ Run All Cells, then wait until no cell is queued or running ([*])."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """panel => {
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent);
            return !prompts.some(p => p.includes('*')) && prompts.some(p => /\\[\\d+\\]/.test(p));
        }""", arg=notebook.element_handle(), timeout=timeout * SECONDS, polling=200)


def outputs(cell):
    """[(mime type, text)] of a cell's outputs, as shown."""
    return [(o.get_attribute("data-mime-type"), o.text_content())
            for o in cell.locator(".jp-OutputArea-output").all()]


def errors_in(cell):
    return [text for mime, text in outputs(cell) if mime == STDERR]


def prompt(cell):
    return cell.locator(".jp-InputPrompt").text_content().strip()


def validate(page):
    """nbgrader's Validate button (it saves first); returns the result dialog."""
    page.locator(".validate-button:visible").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_be_visible(timeout=180 * SECONDS)
    return dialog


def graded_test_cells(notebook_file):
    return [i for i, c in enumerate(nbformat.read(notebook_file, as_version=4).cells)
            if c.metadata.get("nbgrader", {}).get("grade")]


def failed_tests(cells, notebook_file):
    """{grade_id: the last line of its error} of each test cell that shows an error or never ran."""
    failed, nb = {}, nbformat.read(notebook_file, as_version=4)
    for index in graded_test_cells(notebook_file):
        grade_id = nb.cells[index].metadata["nbgrader"]["grade_id"]
        errors = errors_in(cells.nth(index))
        if errors:
            failed[grade_id] = errors[-1].strip().splitlines()[-1]
        elif not re.fullmatch(r"\[\d+\]:", prompt(cells.nth(index))):
            failed[grade_id] = f"not run ({prompt(cells.nth(index))})"
    return failed


def not_run(notebook):
    """[(code cell number, its prompt)] of the code cells that show no execution count."""
    code_cells = notebook.locator(".jp-CodeCell")
    prompts = [prompt(code_cells.nth(i)) for i in range(code_cells.count())]
    return [(i, p) for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]


def cell_source(notebook_file, grade_id):
    return nbformat.read(notebook_file, as_version=4).cells[cell_index(notebook_file, grade_id)].source


def typed_cell(stub, body):
    return stub.replace("    raise NotImplementedError()", "\n".join(body))


# --- 1, 2, 3: students ---------------------------------------------------------------------

def test_student_types_im2col_runs_the_tests_and_validates(page, server, course, screenshots):
    path = course / "release" / "01_im2col" / "im2col.ipynb"
    stub, body = cell_source(path, "im2col"), solution_body("01_im2col", "im2col")
    assert "raise NotImplementedError()" in stub
    open_lab(page, server)
    notebook = open_in_file_browser(page, "release", "01_im2col", "im2col.ipynb")
    cells = cells_of(notebook, path)
    answer = cells.nth(cell_index(path, "im2col"))
    type_answer(page, answer, body)
    run_all(page, notebook)

    assert failed_tests(cells, path) == {}
    assert not_run(notebook) == []
    assert notebook.locator(f".jp-OutputArea-output[data-mime-type='{STDERR}']").count() == 0
    assert notebook.locator(".jp-OutputArea-output img").count() >= 2       # the figures
    # the typed code at the top, its tests below it
    answer.locator(".cm-line", has_text="# YOUR CODE HERE").evaluate("line => line.scrollIntoView()")
    shoot(page, screenshots, "1-student-im2col-tests-pass")

    dialog = validate(page)
    expect(dialog.locator(".jp-Dialog-header")).to_have_text("Validation Results")
    expect(dialog.locator("#validation-message")).to_have_text(
        "Success! Your notebook passes all the tests.")
    shoot(page, screenshots, "1-student-validate-success")
    dialog.get_by_role("button", name="Ok").click()
    # what the keyboard wrote, as saved by Validate
    assert cell_source(path, "im2col") == typed_cell(stub, body)


def test_student_wrong_col2im_sees_the_tests_message_and_validate_fails(page, server, course,
                                                                        screenshots):
    path = course / "wrong" / "01_im2col" / "im2col.ipynb"
    stub = cell_source(path, "col2im")
    body = [line.replace("] +=", "] =") for line in solution_body("01_im2col", "col2im")]
    assert body != solution_body("01_im2col", "col2im")
    open_lab(page, server)
    notebook = open_in_file_browser(page, "wrong", "01_im2col", "im2col.ipynb")
    cells = cells_of(notebook, path)
    type_answer(page, cells.nth(cell_index(path, "col2im")), body)
    run_all(page, notebook)

    # what the test cell says it checks, then what the check found
    message = "col2im(ones 9x4, (1, 1, 4, 4), 2, 2): each pixel should count the windows covering it"
    assert message in cell_source(path, "test_col2im_values")
    failing = cells.nth(cell_index(path, "test_col2im_values"))
    last_line = [text.strip().splitlines()[-1] for text in errors_in(failing)]
    assert len(last_line) == 1 and last_line[0].startswith(f"AssertionError: {message}: "), last_line
    assert "values differ" in last_line[0], last_line
    for grade_id in ("test_conv_output_size", "test_im2col_shapes", "test_im2col_values",
                     "test_im2col_inputs", "test_col2im_shapes"):
        cell = cells.nth(cell_index(path, grade_id))
        assert re.fullmatch(r"\[\d+\]:", prompt(cell)) and errors_in(cell) == [], grade_id
    # Run All stops at the failure: the cells after it did not run
    assert prompt(cells.nth(cell_index(path, "test_col2im_inputs"))) == "[ ]:"
    failing.locator(".jp-OutputArea-output").last.scroll_into_view_if_needed()
    shoot(page, screenshots, "2-student-col2im-test-message")

    dialog = validate(page)
    body_text = dialog.locator("#validation-message")
    expect(body_text).to_have_class(re.compile("validation-failed"))
    expect(body_text).to_contain_text("The following cell failed:")
    expect(body_text).to_contain_text(last_line[0])
    shoot(page, screenshots, "2-student-validate-failure")
    dialog.get_by_role("button", name="Ok").click()
    assert cell_source(path, "col2im") == typed_cell(stub, body)


def test_a_later_notebook_loads_the_students_own_functions(page, server, course, screenshots):
    path = course / "later" / "02_convolution" / "convolution.ipynb"
    open_lab(page, server)
    notebook = open_in_file_browser(page, "later", "02_convolution", "convolution.ipynb")
    cells = cells_of(notebook, path)
    run_all(page, notebook)

    assert failed_tests(cells, path) == {}
    assert not_run(notebook) == []
    text = notebook.locator(".jp-OutputArea").all_text_contents()
    assert [t for t in text if "reference versions" in t] == []         # not the grader's
    assert any("same output: True" in t for t in text), text            # the speed comparison ran
    # a student asks where im2col came from: a new cell at the end, typed and run
    count = cells.count()
    cells.last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type("im2col.__module__")
    page.keyboard.press("Control+Enter")
    expect(cells.nth(count).locator(".jp-OutputArea-output")).to_have_text(
        "'01_im2col_notebook'", timeout=30 * SECONDS)
    shoot(page, screenshots, "3-student-02-with-own-01")


# --- 4, 5: the instructor, then the student's feedback -------------------------------------

def test_formgrader_lists_assignments_graded_submissions_and_an_autograded_notebook(
        page, server, graded, screenshots):
    open_lab(page, server)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.get_by_role("menuitem", name="Formgrader").click()
    formgrader = page.frame_locator("iframe")
    rows = formgrader.locator("#main-table tr")
    expect(rows.filter(has_text="01_im2col")).to_have_count(1, timeout=60 * SECONDS)
    expect(rows).to_have_count(len(ASSIGNMENTS))
    names = [r.locator("td").first.text_content().strip() for r in rows.all()]
    assert names == ASSIGNMENTS, names
    im2col_row = rows.filter(has_text="01_im2col")
    expect(im2col_row.locator("td").nth(8)).to_have_text("2")                # submissions
    shoot(page, screenshots, "4-formgrader-assignments")

    formgrader.get_by_role("link", name="Manual Grading").click()
    formgrader.get_by_role("link", name="01_im2col", exact=True).click()
    formgrader.get_by_role("link", name="im2col", exact=True).click()
    submissions = formgrader.locator("#main-table tr")
    expect(submissions).to_have_count(2, timeout=30 * SECONDS)
    formgrader.get_by_text("Show All Names").click()
    expect(submissions.locator("a.name-shown").first).to_be_visible()
    scores = {r.locator("td.name a.name-shown").text_content(): r.locator("td.score").text_content()
              for r in submissions.all()}
    assert scores == {"ada": "13 / 13", "bob": "7 / 13"}, scores
    shoot(page, screenshots, "4-formgrader-submissions")

    formgrader.locator("td.name a.name-shown", has_text="bob").click()
    bobs_line = next(line.strip() for line in solutions("01_im2col", BUG)["col2im"].splitlines()
                     if "= windows" in line)
    answer = formgrader.locator("[id='cell-id=col2im']")
    expect(answer).to_contain_text(bobs_line, timeout=60 * SECONDS)          # bob's own cell
    failing = formgrader.locator("[id='cell-id=test_col2im_values']")
    expect(failing.locator(".output_error")).to_contain_text("each pixel should count the windows")
    expect(failing.locator("input.score")).to_have_attribute("placeholder", "0")
    passing = formgrader.locator("[id='cell-id=test_im2col_values']")
    expect(passing.locator(".output_error")).to_have_count(0)
    expect(passing.locator("input.score")).to_have_attribute("placeholder", "3")
    expect(formgrader.locator(".output_error")).to_have_count(1)             # imports worked
    failing.scroll_into_view_if_needed()
    shoot(page, screenshots, "4-formgrader-autograded-notebook")


def test_feedback_page_shows_a_box_per_test_and_the_figures(page, graded, screenshots):
    boxes_expected = len(graded_test_cells(release("01_im2col")))
    for student in STUDENTS:
        feedback = graded / "grades" / "01_im2col" / "feedback" / student / "01_im2col.html"
        page.goto(feedback.as_uri())
        boxes = page.locator("div.cnn-box")
        expect(boxes).to_have_count(boxes_expected)
        for box in boxes.all():
            expect(box).to_be_visible()
        figures = page.locator("img[src^='data:image/png']")
        assert figures.count() >= 2
        for figure in figures.all():           # decoded and laid out, not a broken image
            figure.scroll_into_view_if_needed()
            assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
            assert figure.bounding_box()["width"] > 50
        classes = {b.get_attribute("data-grade-id"): b.get_attribute("class") for b in boxes.all()}
        if student == "ada":
            assert all("cnn-pass" in c for c in classes.values()), classes
        else:
            assert "cnn-fail" in classes["test_col2im_values"], classes
            assert "cnn-pass" in classes["test_im2col_values"], classes
            box = page.locator("div.cnn-box[data-grade-id='test_col2im_values']")
            expect(box).to_contain_text("0 / 3")
            expect(box).to_contain_text("overlap")
            box.scroll_into_view_if_needed()
        shoot(page, screenshots, f"5-feedback-{student}")
