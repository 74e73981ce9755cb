"""Hidden checks as data.

A `Check` describes how one graded function is verified: a list of `Case`s
(inputs, a name a student can read, a hint), a reference that computes the
expected output from the same inputs, and a comparison. Because the cases are
plain data, the same checks run inside a notebook's hidden test cells and,
later, outside it on arrays the student's code produced.
"""

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.feedback import check_array, check_int, check_tuple

from ..grading.job import fresh_input, replaceable


@dataclass
class Case:
    """One call of a graded function.

    - name: what the case is, in words ("stride 2, pad 1, H != W: x 2x3x7x5")
    - args, kwargs: the call; arrays are copied before every call
    - group: which hidden test cell grades this case ("shape", "values", "gradient", ...)
    - hint: the usual cause when this case fails
    - readonly: pass arrays with writeable=False (catches writes into inputs)
    - expect: overrides the check's reference for this case (e.g. a numerical gradient)
    - before: called just before the function (and before a sandboxed run's log of
      stand-in calls is replayed): starts a recording that the comparison reads
    """

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    group: str = "values"
    hint: str = ""
    readonly: bool = False
    expect: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-10
    before: Callable | None = None


@dataclass
class Check:
    """How one graded function is verified.

    - reference: independent implementation, called with the case's arguments
    - compare: compare(actual, expected, what, case) raises AssertionError on a mismatch
    - cases: a function returning the list of cases (built when needed)
    - uses: reference versions of other graded functions this one may call by
      name; they replace the student's during the check, so one bug costs once.
      A recording stand-in names its reference as `__wrapped__`.
    """

    reference: Callable
    compare: Callable
    cases: Callable[[], list]
    uses: dict = field(default_factory=dict)
    own: frozenset = frozenset()     # the functions graded in the same assignment


def assignment_checks(checks):
    """An assignment's {name: Check}, each knowing the functions graded beside it (`own`)."""
    return {name: dataclasses.replace(check, own=frozenset(checks)) for name, check in checks.items()}


def compare_int(actual, expected, what, case):
    check_int(actual, expected, what, hint=case.hint)


def compare_array(actual, expected, what, case):
    check_array(actual, expected, what, rtol=case.rtol, atol=case.atol,
                dtype=expected.dtype, hint=case.hint)


def compare_tuple(*names):
    """A comparison for functions returning a tuple of arrays named `names`."""
    def compare(actual, expected, what, case):
        check_tuple(actual, expected, names, what, keep_dtype=True, rtol=case.rtol,
                    atol=case.atol, hint=case.hint)
    return compare


@contextlib.contextmanager
def _references_in_place_of(fn, uses, own=frozenset()):
    """Let `fn` see the reference versions of the functions it calls by global name (where
    `replaceable`)."""
    namespace = getattr(fn, "__globals__", None)
    if namespace is not None:
        uses = {name: ref for name, ref in uses.items()
                if replaceable(name, namespace.get(name), own)}
    if namespace is None or not uses:
        yield
        return
    saved = {name: namespace[name] for name in uses if name in namespace}
    namespace.update(uses)
    try:
        yield
    finally:
        for name in uses:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)


def call(fn, case, uses=None, own=frozenset()):
    """Call `fn` on fresh copies of the case's inputs; a crash becomes a sentence."""
    args = tuple(fresh_input(a, case.readonly) for a in case.args)
    kwargs = {k: fresh_input(v, case.readonly) for k, v in case.kwargs.items()}
    hint = f". Hint: {case.hint}" if case.hint else ""
    if case.before is not None:
        case.before()
    try:
        # a warning would reach stderr and fail the test cell under nbgrader: make it an error here too
        with _references_in_place_of(fn, uses or {}, own), \
                np.errstate(over="raise", divide="raise", invalid="raise"):
            return fn(*args, **kwargs)
    except NotImplementedError:
        raise AssertionError(f"{case.name}: not implemented yet "
                             "(replace `raise NotImplementedError()` with your code)") from None
    except ValueError as error:
        if case.readonly and "read-only" in str(error):
            raise AssertionError(f"{case.name}: your function writes into one of its inputs "
                                 f"({error}); work on a copy or build a new array") from None
        raise AssertionError(f"{case.name}: raised ValueError: {error}{hint}") from None
    except FloatingPointError as error:
        raise AssertionError(f"{case.name}: NumPy reports {error} — this would print a "
                             "RuntimeWarning; keep exp's argument <= 0 and never take log(0)"
                             + hint) from None
    except Exception as error:
        raise AssertionError(f"{case.name}: raised {type(error).__name__}: {error}{hint}") from None


def expected_output(check, case):
    reference = case.expect or check.reference
    return reference(*case.args, **case.kwargs)


def failures(check, fn, group=None):
    """Messages for every case of `check` (in `group`, if given) that `fn` fails."""
    messages = []
    for case in check.cases():
        if group is not None and case.group != group:
            continue
        try:
            actual = call(fn, case, check.uses, check.own)
            check.compare(actual, expected_output(check, case), case.name, case)
        except AssertionError as error:
            messages.append(str(error))
    return messages


def summary(name, messages, total):
    """One readable paragraph: how many cases failed and the first message."""
    return (f"{name}: {len(messages)} of {total} hidden cases failed. "
            f"First: {messages[0]}")

