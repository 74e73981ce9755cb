"""The feedback page's math is MathML written at export: every formula of the course reads,
and what a student writes between dollars cannot put markup or script in the page."""

import re

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from autograder.grading.feedback_page import FeedbackExporter

from helpers import ASSIGNMENTS, source_notebooks


class Collect(IPythonRenderer):
    """Markdown rendering that records each math span as nbconvert's parser splits it."""

    def __init__(self):
        super().__init__(escape=False)
        self.spans = []

    def block_math(self, body):
        self.spans.append(body)
        return ""

    def inline_math(self, body):
        self.spans.append(body)
        return ""


def course_math():
    collect = Collect()
    for assignment in ASSIGNMENTS:
        for path in source_notebooks(assignment):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type == "markdown":
                    MarkdownWithMath(renderer=collect).render(cell.source)
    return collect.spans


def html_of(markdown):
    return FeedbackExporter().markdown2html({}, markdown)


def test_every_formula_of_the_course_becomes_mathml_with_no_latex_left():
    spans = course_math()
    assert len(spans) > 100
    for latex in spans:
        out = html_of(f"$${latex}$$")
        assert out.count("<math") == 1 and "<code>" not in out, latex
        assert "\\" not in re.sub(r"<[^>]+>", "", out), f"LaTeX left unread in MathML: {latex!r}"


@pytest.mark.parametrize("markdown, display", [("Inline $x_i^2$ here.", "inline"),
                                               ("$$\n\\sum_{i=1}^N x_i\n$$", "block"),
                                               ("\\begin{equation}a = b\\end{equation}", "block")])
def test_inline_and_display_math_keep_their_form(markdown, display):
    assert f'display="{display}"' in html_of(markdown)


@pytest.mark.parametrize("latex", [r"\text{<img src=x onerror=alert(1)>}",
                                   r"\text{<script>alert(1)</script>}",
                                   r"\href{javascript:alert(1)}{x}",
                                   r"\mathrm{<iframe src=//evil>}"])
def test_markup_inside_math_does_not_reach_the_page(latex):
    out = html_of(f"$${latex}$$")
    assert "<math" in out
    for bad in ("<img", "<script", "<iframe", "href=", "onerror"):
        assert bad not in out, (latex, out)


def test_latex_that_cannot_be_read_stays_as_escaped_source():
    out = html_of(r"$$\frac{<b>1</b>}{$$")
    assert "<code>" in out and "<b>" not in out and "&lt;b&gt;" in out
