"""Fixes that move or add scheduler.step() calls (WL005, WL006); WL007's are in unit_fixes."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.facts import CallSite
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.run_length import loop_count
from warmlint.analysis.stepping import StepRelation
from warmlint.analysis.stepping_unit import intended_unit
from warmlint.analysis.units import StepUnit
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import statements
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import Unresolved, code_of


def own_line(site: CallSite) -> cst.SimpleStatementLine:
    """The scheduler.step() call must be a statement of its own to be moved."""
    statement = site.statement
    if (
        statement is None
        or len(statement.body) != 1
        or not isinstance(statement.body[0], cst.Expr)
        or statement.body[0].value is not site.node
    ):
        raise CannotFix("scheduler.step() is not a statement of its own")
    return statement


def keeps_its_condition(site: CallSite, destinations: list[CallSite]) -> None:
    """Moving scheduler.step() out of an `if` that the optimizer steps are not in would drop the condition."""
    for branch in site.branches:
        if not all(any(other.test is branch.test for other in d.branches) for d in destinations):
            raise CannotFix(
                f"scheduler.step() runs under `if {code_of(branch.test)}`, which optimizer.step() "
                f"is not under: moving it would drop that condition"
            )


def move_after_optimizer_step(planner: Planner, found: StepRelation) -> None:
    """WL005: move scheduler.step() after the last optimizer step of its iteration (or epoch)."""
    if found.lifted is not found.site:
        raise CannotFix("scheduler.step() is called from another function")
    statement = own_line(found.site)
    if found.optimizer is not None:
        keeps_its_condition(found.site, found.optimizer.steps)
    anchor = max(found.anchors, key=lambda a: a.order)
    if anchor.statement is None:
        raise CannotFix("optimizer.step() is not a statement of its own")
    planner.edits.remove(statement)
    planner.edits.insert_after(anchor.statement, [statement])


def _visible_name(planner: Planner, scheduler: Scheduler, site: CallSite) -> str:
    """A name for the scheduler that is bound where `site` runs."""
    for scope, name in sorted(scheduler.aliases):
        found = planner.model.resolver.lookup(site.scope, name)
        if found is not None and found[0] == scope:
            return name
    raise CannotFix(f"no name for the {scheduler.short_name} is visible where optimizer.step() is called")


def add_step(planner: Planner, scheduler: Scheduler) -> None:
    """WL006: step the scheduler after optimizer.step() (after the epoch's batches for epoch schedulers)."""
    optimizer = scheduler.optimizer
    if optimizer is None or not optimizer.steps:
        raise CannotFix("cannot find where its optimizer steps")
    if any(site.scope == scheduler.call.scope and site.order < scheduler.call.order for site in optimizer.steps):
        raise CannotFix("the scheduler is created after the loop where its optimizer steps")
    if intended_unit(planner.model, scheduler, _epochs(planner.model, optimizer.steps[-1])) is StepUnit.EPOCH:
        _step_after_epoch(planner, scheduler, optimizer.steps)
        return
    for site in optimizer.steps:
        if site.statement is None:
            raise CannotFix("optimizer.step() is not a statement of its own")
        name = _visible_name(planner, scheduler, site)
        planner.edits.insert_after(site.statement, statements(f"{name}.step()\n"))


def _epochs(model: Model, site: CallSite) -> float | None:
    """How many epochs the loop around the batch loop of `site` runs, when it can be counted."""
    if len(site.loops) < 2:
        return None
    try:
        return loop_count(model, model.raw.loops[site.loops[-2]]).value
    except Unresolved:
        return None


def _step_after_epoch(planner: Planner, scheduler: Scheduler, sites: list[CallSite]) -> None:
    model = planner.model
    site = sites[-1]
    if len(site.loops) < 2:
        raise CannotFix("cannot find the epoch loop around optimizer.step()")
    batch_loop = model.raw.loops[site.loops[-1]]
    name = _visible_name(planner, scheduler, site)
    planner.edits.insert_after(batch_loop.node, statements(f"{name}.step()\n"))
