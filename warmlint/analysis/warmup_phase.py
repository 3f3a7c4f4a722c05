"""Is a piece of code part of a warmup phase, and how long is that phase as the script writes it?

Signals, as a reader would see them: a branch like `if step < warmup_steps` (its body is the
warmup, its else part is not; `if step == warmup_steps` and `if step >= warmup_steps` run after
it), a loop over warmup steps. The bound of that branch or loop is the script's own warmup length.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.catalog import WARM_WORD
from warmlint.analysis.facts import Branch, LrWrite
from warmlint.analysis.model import Model

_BEFORE = (cst.LessThan, cst.LessThanEqual)  # step < warmup
_AFTER = (cst.GreaterThan, cst.GreaterThanEqual)  # step >= warmup


def mentions_warm(model: Model, node: cst.CSTNode) -> bool:
    return bool(WARM_WORD.search(model.raw.module.code_for_node(node)))


def branch_phase(model: Model, branch: Branch) -> bool | None:
    """True: the branch's code runs during warmup; False: after it; None: unrelated."""
    test = branch.test
    negate = False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, negate = test.expression, True
    during: bool | None = None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        warm_left = mentions_warm(model, test.left)
        warm_right = mentions_warm(model, test.comparisons[0].comparator)
        if warm_left == warm_right:
            return None
        if isinstance(operator, _BEFORE):
            during = warm_right
        elif isinstance(operator, _AFTER):
            during = warm_left
        elif isinstance(operator, cst.Equal):
            during = False  # `if step == warmup_steps`: the moment the warmup ends
        else:
            return None
    elif isinstance(test, (cst.Name, cst.Attribute)) and mentions_warm(model, test):
        during = True
    if during is None:
        return None
    return during != negate if branch.in_body else during == negate


def structural_signal(model: Model, write: LrWrite) -> str | None:
    """Why `write` is in a warmup phase, from branches and loops; None if it is not (or after it)."""
    for branch in reversed(write.branches):
        phase = branch_phase(model, branch)
        if phase is False:
            return None
        if phase:
            return f"inside `if {model.raw.module.code_for_node(branch.test)}`"
    for loop_id in reversed(write.loops):
        loop = model.raw.loops[loop_id]
        if WARM_WORD.search(loop.iter_text):
            return f"in a loop over `{loop.iter_text}`"
    return None


def warmup_bound(model: Model, write: LrWrite) -> cst.BaseExpression | None:
    """The warmup length the code around a write uses: `W` in `if step < W` (or `==`, `>=`, `W > step`)
    or in `for step in range(W)`, where `W` is named like a warmup."""
    for branch in reversed(write.branches):
        bound = comparison_bound(model, branch.test)
        if bound is not None:
            return bound
    for loop_id in reversed(write.loops):
        loop = model.raw.loops[loop_id]
        iterable = loop.node.iter if isinstance(loop.node, cst.For) else None
        if isinstance(iterable, cst.Call) and len(iterable.args) == 1 and WARM_WORD.search(loop.iter_text):
            if model.raw.module.code_for_node(iterable.func) == "range":
                return iterable.args[0].value
    return None


def comparison_bound(model: Model, test: cst.BaseExpression) -> cst.BaseExpression | None:
    """`W` in `step < W`, `step == W`, `step >= W` or `W > step`, when W is named like a warmup."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    left, right = test.left, test.comparisons[0].comparator
    if mentions_warm(model, right) and not mentions_warm(model, left):
        return right
    if mentions_warm(model, left) and not mentions_warm(model, right):
        return left
    return None
