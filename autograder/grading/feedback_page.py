"""One student's feedback page: their notebook as executed, rendered by nbconvert, with the
grade on top and a result box under each test cell.

The notebook is the one the sandbox executed: every cell in order, with outputs and
figures, test cells in their released (visible) form. Anything between hidden-test
markers is cut out as a second guard, and what the student's code put in the page
(markdown, HTML outputs) is sanitised; the boxes and the header are the grader's own.

The page loads nothing: math is MathML written at export (MathJax would come from a CDN,
and offline a student would read LaTeX source), and no script is included.
"""

import copy
import functools
import html

import bleach
import jinja2
import latex2mathml.converter
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import clean_html
from nbconvert.preprocessors.sanitize import SanitizeHTML

from ..notebook import nbgrader_meta
from .trusted import split_test

TAGS = ["a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"]
ATTRIBUTES = {"*": ["class", "title"], "a": ["href"], "img": ["src", "alt", "width", "height"],
              "td": ["align"], "th": ["align"]}
STYLE = """<style>.cnn-header{border:2px solid #888;padding:.6em 1em;margin:1em 0;font-size:1.1em}
.cnn-box{border:1px solid #ccc;border-left:6px solid;padding:.5em .8em;margin:.4em 0;
font-family:sans-serif}.cnn-pass{border-left-color:#2a2;background:#efe}
.cnn-fail{border-left-color:#c22;background:#fee}.cnn-flag{color:#a00}
.cnn-box ul{margin:.3em 0}</style>"""
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
               "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
               "mstyle", "mpadded", "mphantom", "menclose", "merror"}
# latex2mathml copies \text{...} and \href{...} through unescaped, so its output is
# cleaned like any other markup the student wrote.
MATHML_ATTRIBUTES = {"math": ["display", "xmlns"], "*": [
    "mathvariant", "stretchy", "fence", "form", "minsize", "maxsize", "width", "height", "depth",
    "columnalign", "rowspacing", "columnspacing", "columnlines", "accent", "accentunder",
    "separator", "lspace", "rspace", "displaystyle", "scriptlevel", "linethickness",
    "movablelimits", "notation"]}
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}{{ super() }}{{ resources.cnn_header }}{%- endblock body_header -%}
"""


def mathml(latex, display):
    """`latex` as sanitised MathML; LaTeX it cannot read stays as source in a <code>."""
    try:
        markup = latex2mathml.converter.convert(latex, display=display)
    except Exception:
        return f"<code>{html.escape(latex)}</code>"
    return bleach.clean(markup, tags=MATHML_TAGS, attributes=MATHML_ATTRIBUTES, strip=True)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with math written as MathML instead of left for MathJax."""

    def block_math(self, body):
        return mathml(body, "block")

    def inline_math(self, body):
        return mathml(body, "inline")

    def latex_environment(self, name, body):
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", "block")


# The course's own cells (its markdown, the given code) are the same on every page of a batch,
# and rendering and sanitising them took most of a page's 0.75 s: each distinct piece is
# rendered and cleaned once per process. Both functions are pure.
@functools.lru_cache(maxsize=4096)
def _clean(markup):
    return clean_html(markup)


def cached_clean_html(element):
    """nbconvert's clean_html filter (bleach), remembered per distinct markup."""
    return _clean(element.decode() if isinstance(element, bytes) else str(element))


@functools.lru_cache(maxsize=4096)
def _markdown(source, embed_images, anchor_link_text, exclude_anchor_links):
    renderer = MathMLRenderer(escape=False, attachments={}, embed_images=embed_images,
                              anchor_link_text=anchor_link_text,
                              exclude_anchor_links=exclude_anchor_links)
    return MarkdownWithMath(renderer=renderer).render(source)


class FeedbackExporter(HTMLExporter):
    """The lab HTML exporter with MathML math, no scripts, and the grade header after <body>."""

    @jinja2.pass_context
    def markdown2html(self, context, source):
        attachments = context.get("cell", {}).get("attachments", {})
        if not attachments and not self.lexer_options:
            return _markdown(source, self.embed_images, self.anchor_link_text,
                             self.exclude_anchor_links)
        renderer = MathMLRenderer(
            escape=False, attachments=attachments,
            embed_images=self.embed_images, anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)


def box_lines(cell):
    """(headline, [detail lines]) of a test cell's result, as plain text."""
    headline = f"{cell['score']:g} / {cell['points']:g} points"
    details = []
    if cell["visible"] == "fail":
        details.append(f"visible test: {cell['visible_message']}")
    elif cell["visible"] == "not-run":
        details.append("visible test: did not run")
    if cell["hidden_total"]:
        details.append(f"hidden cases passed: {cell['hidden_passed']} of {cell['hidden_total']}")
    details += cell["messages"][:3]
    return headline, details


def _box_html(gid, cell):
    headline, details = box_lines(cell)
    kind = "cnn-pass" if cell["score"] == cell["points"] else "cnn-fail"
    items = "".join(f"<li>{html.escape(d)}</li>" for d in details)
    return (f"<div class='cnn-box {kind}' data-grade-id='{html.escape(gid)}'><b>{html.escape(gid)}: "
            f"{html.escape(headline)}</b>" + (f"<ul>{items}</ul>" if items else "") + "</div>")


def _box_output(gid, cell):
    headline, details = box_lines(cell)
    return nbformat.v4.new_output("display_data", data={
        "text/html": _box_html(gid, cell),
        "text/plain": "\n".join([f"{gid}: {headline}", *details])})


def _header(spec, row):
    flags = "".join(f"<li class=cnn-flag><b>{html.escape(flag)}</b>: {html.escape(why)}</li>"
                    for flag, why in sorted(row.flags.items()))
    return (f"{STYLE}<div class=cnn-header><h1>{html.escape(spec.assignment)} — "
            f"{html.escape(row.student)}</h1><p><b>Score: {row.score:g} / {row.max_score:g}</b></p>"
            + (f"<ul>{flags}</ul>" if flags else "") + "</div>")


def notebook(spec, row):
    """The notebook the page shows: the executed notebooks of `row`, sanitised, hidden parts
    cut out, a box under each test cell (the boxes alone where nothing was executed)."""
    sanitize = SanitizeHTML(tags=TAGS, attributes=ATTRIBUTES)
    page = nbformat.v4.new_notebook()
    for name, result in row.notebooks.items():
        executed = row.executed.get(name)
        if len(row.notebooks) > 1:
            page.cells.append(nbformat.v4.new_markdown_cell(f"## {name}"))
        if executed is None:
            holder = nbformat.v4.new_code_cell("# your notebook did not run to the end; the results:")
            holder.outputs = [_box_output(gid, cell) for gid, cell in result["cells"].items()]
            page.cells.append(holder)
            continue
        nb, _ = sanitize.preprocess(copy.deepcopy(executed), {})
        for cell in nb.cells:
            cell.source = split_test(cell.source)[0]
            gid = nbgrader_meta(cell).get("grade_id")
            if cell.cell_type == "code" and gid in result["cells"]:
                cell.outputs.append(_box_output(gid, result["cells"][gid]))
            page.cells.append(cell)
    return page


def render(spec, row):
    """The page's HTML."""
    exporter = FeedbackExporter(template_name="lab", template_file="feedback.html.j2",
                                extra_loaders=[jinja2.DictLoader({"feedback.html.j2": TEMPLATE})],
                                filters={"clean_html": cached_clean_html})
    body, _ = exporter.from_notebook_node(notebook(spec, row), resources={
        "metadata": {"name": f"{spec.assignment}: {row.student}"}, "cnn_header": _header(spec, row)})
    return body
