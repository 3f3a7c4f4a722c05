"""Is a piece of code part of a warmup phase? (WL002, WL003)

Signals, as a reader would see them: a branch like `if step < warmup_steps`
(its body is the warmup, its else part is not), a loop over warmup steps,
a value named like `warmup_lr`, or a comment within three lines saying warm-up.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.catalog import WARM_WORD
from warmlint.analysis.facts import Branch, LrWrite
from warmlint.analysis.model import Model
from warmlint.rules.base import RuleContext

_BEFORE = (cst.LessThan, cst.LessThanEqual)  # step < warmup
_AFTER = (cst.GreaterThan, cst.GreaterThanEqual)  # step >= warmup


def _mentions_warm(model: Model, node: cst.CSTNode) -> bool:
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
        warm_left = _mentions_warm(model, test.left)
        warm_right = _mentions_warm(model, test.comparisons[0].comparator)
        if warm_left == warm_right:
            return None
        if isinstance(operator, _BEFORE):
            during = warm_right
        elif isinstance(operator, _AFTER):
            during = warm_left
        else:
            return None
    elif isinstance(test, (cst.Name, cst.Attribute)) and _mentions_warm(model, test):
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


def warmup_signal(ctx: RuleContext, write: LrWrite) -> tuple[str, bool] | None:
    """(reason, structural) when the write belongs to a warmup phase."""
    model = ctx.model
    for branch in write.branches:
        if branch_phase(model, branch) is False:
            return None
    structural = structural_signal(model, write)
    if structural:
        return structural, True
    if _mentions_warm(model, write.value):
        return f"set from `{model.raw.module.code_for_node(write.value)}`", True
    comment = ctx.comment_near(write.node)
    if comment:
        return f"commented `{comment.strip()}`", False
    return None
