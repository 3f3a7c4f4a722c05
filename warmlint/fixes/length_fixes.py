"""Fixes that make a schedule's length match the run (WL009, WL010, WL011) and pace it (WL012)."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.length_findings import MoveIntoGuard, SetHorizon, ShortenWarmup
from warmlint.analysis.run_length import available
from warmlint.analysis.schedule_length import Length
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.fixes.plans import Planner
from warmlint.fixes.stepping_fixes import keeps_its_condition, own_line
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of


def shorten_warmup(planner: Planner, found: ShortenWarmup) -> None:
    """WL009: the warmup becomes `min(W, ceil(0.05 T))` steps, written as a number (or `min(W, n)`
    where W is a name the user may still lower); a SequentialLR milestone written the same way follows."""
    model, scheduler, steps = planner.model, found.warmup.scheduler, found.steps
    if scheduler is None or SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
        raise CannotFix("the warmup length is read inside the LR function: shorten it where it is set")
    keyword = "total_iters" if SchedulerKind.of(scheduler) is SchedulerKind.LINEAR else "num_warmup_steps"
    written = scheduler.argument(keyword, 3 if keyword == "total_iters" else 1)
    if written is None:
        raise CannotFix(f"{scheduler.short_name} has no {keyword} argument to shorten")
    literal = model.resolver.number(written, scheduler.call.scope)
    new = str(steps) if isinstance(written, (cst.Integer, cst.Float)) or literal is None else None
    new = new or f"min({code_of(written)}, {steps})"
    targets = [written]
    parent = scheduler.parent
    milestones = parent.argument("milestones", 2) if parent is not None else None
    if isinstance(milestones, (cst.List, cst.Tuple)) and milestones.elements:
        first = milestones.elements[0].value
        if code_of(first) == code_of(written):
            targets.append(first)
    for target in targets:
        planner.edits.replace(target, cst.parse_expression(new))


def _length_code(planner: Planner, found: SetHorizon, length: Length) -> str:
    """The covered length in the script's own names where they are defined, else as a number."""
    scheduler = found.scheduler
    if available(planner.model, length.text, scheduler.call.scope, scheduler.call.order):
        return length.text
    if length.value is None:
        raise CannotFix(f"`{length.text}` is not defined where the scheduler is built")
    return f"{length.value:g}"


def set_horizon(planner: Planner, found: SetHorizon) -> None:
    """WL010: `T_max` becomes the number of steps the cosine covers."""
    planner.edits.replace(found.horizon.arguments[0], cst.parse_expression(_length_code(planner, found, found.length)))


def onecycle_total_steps(planner: Planner, found: SetHorizon) -> None:
    """WL011: build the cycle with `total_steps` = the number of times the loop steps it."""
    code = _length_code(planner, found, found.length)
    call = found.scheduler.call.node
    if found.horizon.kind == "total_steps":
        planner.edits.replace(found.horizon.arguments[0], cst.parse_expression(code))
        return
    if any(arg.keyword is None for arg in call.args[2:]):
        raise CannotFix("OneCycleLR takes epochs and steps_per_epoch by position")
    args = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword is not None else None
        if name == "epochs":
            args.append(arg.with_changes(keyword=cst.Name("total_steps"), value=cst.parse_expression(code)))
        elif name != "steps_per_epoch":
            args.append(arg)
    last = call.args[-1]  # keep how the call ends
    args[-1] = args[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    planner.edits.on(call, lambda updated: updated.with_changes(args=args))


def move_into_guard(planner: Planner, found: MoveIntoGuard) -> None:
    """WL012: move scheduler.step() into the accumulation guard, right after optimizer.step().
    This changes when user code runs (only the schedule's pace, but still): an unsafe fix."""
    statement = own_line(found.scheduler_step)
    target = found.optimizer_step.statement
    if target is None:
        raise CannotFix("optimizer.step() is not a statement of its own")
    keeps_its_condition(found.scheduler_step, [found.optimizer_step])
    planner.edits.remove(statement)
    planner.edits.insert_after(target, [statement])
