"""How a scheduler's step() relates to its optimizer's step() in the training loop.

Per step (both in the same loop iteration) or per epoch (the optimizer steps in
a loop nested inside the scheduler's loop), and whether the scheduler steps
first. Calls into functions defined in the same file are followed, so
`scheduler.step()` before `train_one_epoch(model, optimizer, loader)` in an
epoch loop is seen as stepping before that epoch's batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from warmlint.analysis.facts import CallSite, Loop
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.units import StepUnit

STEP_METHODS = ("step", "step_update")


@dataclass(frozen=True)
class Anchor:
    """Where an optimizer step happens, seen from the scheduler's loop body."""

    order: int  # source position of the statement (or nested loop) that holds the optimizer step
    nested: bool  # True when the optimizer steps inside an inner loop: once per scheduler step is per epoch
    statement: cst.CSTNode | None = field(repr=False)  # that statement, in the scheduler's loop body


@dataclass(frozen=True)
class StepRelation:
    site: CallSite  # the scheduler.step() call
    loop: Loop  # the innermost loop around it
    unit: StepUnit
    before_optimizer: bool  # the scheduler steps before every optimizer step of the iteration
    anchors: tuple[Anchor, ...] = field(default=(), repr=False)
    lifted: CallSite | None = None  # the scheduler step as seen in the loop's scope
    optimizer: Optimizer | None = field(default=None, repr=False)


def scheduler_step_sites(scheduler: Scheduler) -> list[CallSite]:
    sites = [c for m in STEP_METHODS for c in scheduler.calls_of(m)]
    if scheduler.parent is not None:
        sites += [c for m in STEP_METHODS for c in scheduler.parent.calls_of(m)]
    return sorted(sites, key=lambda c: c.order)


def _lift(model: Model, site: CallSite) -> CallSite | None:
    """The call site, in an enclosing caller, that puts `site` inside a loop (if it is not already)."""
    seen = 0
    while not site.loops and seen < 5:
        function = model.raw.functions.get(site.scope)
        if function is None:
            return None
        callers = model.resolver.calls_to(function)
        if len(callers) != 1:
            return None
        site = callers[0][0]
        seen += 1
    return site if site.loops else None


def _anchor(model: Model, optimizer_site: CallSite, scope, loop_id: int) -> Anchor | None:
    """Express an optimizer step as a position in the body of loop `loop_id` in `scope`."""
    site, inner_loops = optimizer_site, False
    for _ in range(6):
        if site.scope == scope:
            if loop_id not in site.loops:
                return None
            depth = site.loops.index(loop_id)
            if depth + 1 < len(site.loops):  # inside a loop nested in the scheduler's loop
                inner = model.raw.loops[site.loops[depth + 1]]
                return Anchor(inner.order, True, inner.node)
            return Anchor(site.order, inner_loops, site.statement)
        inner_loops = inner_loops or bool(site.loops)
        function = model.raw.functions.get(site.scope)
        if function is None:
            return None
        callers = model.resolver.calls_to(function)
        if len(callers) != 1:
            return None
        site = callers[0][0]
    return None


def relation(model: Model, scheduler: Scheduler, site: CallSite) -> StepRelation | None:
    """How one scheduler.step() call relates to the optimizer's steps, or None if unknown."""
    optimizer = scheduler.optimizer or (scheduler.parent.optimizer if scheduler.parent else None)
    if optimizer is None:
        return None
    lifted = _lift(model, site)
    if lifted is None:
        return None
    loop_id = lifted.loops[-1]
    anchors = [a for o in optimizer.steps if (a := _anchor(model, o, lifted.scope, loop_id))]
    if not anchors:
        return None
    unit = StepUnit.OPTIMIZER_STEP if any(not a.nested for a in anchors) else StepUnit.EPOCH
    loop = model.raw.loops[loop_id]
    before = all(a.order > lifted.order for a in anchors) and not _skips_first_iteration(lifted, loop)
    return StepRelation(site, loop, unit, before, tuple(anchors), lifted, optimizer)


def _skips_first_iteration(site: CallSite, loop: Loop) -> bool:
    """`if epoch > 0: scheduler.step()` at the top of the loop steps after the previous
    iteration's optimizer steps, never before the first one: the schedule is not skipped."""
    return any(branch.in_body and _false_at_zero(branch.test, loop.target_names) for branch in site.branches)


def _false_at_zero(test: cst.BaseExpression, counters: tuple[str, ...]) -> bool:
    """A test that is false when the loop counter is 0: `i`, `i > 0`, `i >= 1`, `i != 0`, `i == 3`, `0 < i`."""
    if isinstance(test, cst.Name):
        return test.value in counters
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, operator, right = test.left, test.comparisons[0].operator, test.comparisons[0].comparator
    if isinstance(left, cst.Integer) and isinstance(right, cst.Name):  # 0 < i: turn it round
        left, right, operator = right, left, _MIRRORED.get(type(operator), type(operator))()
    if not (isinstance(left, cst.Name) and left.value in counters and isinstance(right, cst.Integer)):
        return False
    bound = int(right.value, 0)
    return {
        cst.GreaterThan: bound >= 0,
        cst.GreaterThanEqual: bound >= 1,
        cst.NotEqual: bound == 0,
        cst.Equal: bound >= 1,
    }.get(type(operator), False)


_MIRRORED = {cst.LessThan: cst.GreaterThan, cst.LessThanEqual: cst.GreaterThanEqual}
