"""The entry points of the hidden test cells: `verify("im2col", im2col, "values")`, and
`references_in_this_cell("im2col", globals())` in front of a test cell's visible part."""

import importlib

from .cases import failures, summary
from ..grading.job import replaceable

# assignment module per graded function; each module defines CHECKS = {name: Check}
_MODULES = ["im2col", "convolution", "pooling", "dense", "softmax", "cnn", "beyond"]


def checks():
    """Every registered Check, by graded function name."""
    found = {}
    for module in _MODULES:
        try:
            registered = importlib.import_module(f"autograder.checks.{module}").CHECKS
        except ModuleNotFoundError as error:
            if error.name != f"autograder.checks.{module}":
                raise
            continue
        found.update(registered)
    return found


def verify(name, fn, group=None):
    """Raise AssertionError, with the first failing case in words, if `fn` fails a case."""
    check = checks()[name]
    total = sum(1 for c in check.cases() if group is None or c.group == group)
    if total == 0:
        raise LookupError(f"no hidden cases for {name!r} in group {group!r}")
    messages = failures(check, fn, group)
    if messages:
        raise AssertionError(summary(name, messages, total))


def _reference(name):
    """The reference a visible test may call for `name`: the fast layer where there is one
    (a numerical gradient calls conv_forward hundreds of times), else the check's own."""
    try:
        from ..references.layers import LAYERS
    except ImportError:
        LAYERS = {}
    return LAYERS.get(name) or checks()[name].reference


def references_in_this_cell(name, namespace):
    """Until the current cell ends, the other graded functions in `namespace` (those `name`
    calls, those graded beside it, those loaded from an earlier notebook) are their references,
    for the visible tests' own calls too: under nbgrader, a bug in conv_output_size then costs
    conv_output_size's cells and not im2col's as well, and a broken im2col not the col2im test
    that checks col2im against it. A helper of the student's own under such a name is left
    alone. Outside IPython (no cell to end) nothing changes."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    check = checks()[name]
    swap = {used: getattr(ref, "__wrapped__", ref) for used, ref in check.uses.items()
            if used in namespace and replaceable(used, namespace[used], check.own)}
    swap.update({other: _reference(other) for other in sorted(check.own - {name} - set(swap))
                 if other in namespace})
    if shell is None or not swap:
        return
    saved = {used: namespace[used] for used in swap}
    namespace.update(swap)

    def restore(*_):
        for used, own in saved.items():
            if namespace.get(used) is swap[used]:
                namespace[used] = own
        shell.events.unregister("post_run_cell", restore)

    shell.events.register("post_run_cell", restore)
