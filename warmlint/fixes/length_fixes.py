"""Fixes that make a schedule's length match the run (WL009, WL010, WL011) and pace it (WL012)."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.length_findings import MoveIntoGuard, SetHorizon, ShortenWarmup
from warmlint.analysis.run_length import LIGHTNING_TOTAL, available
from warmlint.analysis.schedule_length import Length, steps_stepped_per_epoch
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.fixes.lightning_fix import step_interval
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
    """The covered length in the script's own names where they are defined, else as a number; a
    horizon the run configures (`self.hparams.total_steps`, `args.epochs`, `cfg["steps"]`) is never
    replaced by a number: the setting stays the one place the user changes it."""
    scheduler = found.scheduler
    code = length.text
    if not available(planner.model, code, scheduler.call.scope, scheduler.call.order):
        if length.value is None:
            raise CannotFix(f"`{length.text}` is not defined where the scheduler is built")
        code = f"{length.value:g}"
    configured = [code_of(a) for a in found.horizon.arguments if not _is_number(a)]
    if configured and _is_number(cst.parse_expression(code)):
        raise CannotFix(f"`{configured[0]}` is a setting of the run: set it to {code} where it is configured")
    return code


def _is_number(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation):
        return _is_number(expr.expression)
    return isinstance(expr, (cst.Integer, cst.Float))


def _interval_instead(planner: Planner, found: SetHorizon) -> bool:
    """Lightning steps a horizon counted in steps once per epoch: return it with `"interval": "step"`
    (WL007's fix). A configured length stays as written; a number, which the file cannot check
    against the run's steps, becomes Lightning's own count of them."""
    if not steps_stepped_per_epoch(found.scheduler, found.horizon, found.length):
        return False
    step_interval(planner, found.scheduler)
    (written, *rest) = found.horizon.arguments
    if not rest and _is_number(written):
        planner.edits.replace(written, cst.parse_expression(LIGHTNING_TOTAL))
    return True


def set_horizon(planner: Planner, found: SetHorizon) -> None:
    """WL010: `T_max` becomes the number of steps the cosine covers."""
    if _interval_instead(planner, found):
        return
    planner.edits.replace(found.horizon.arguments[0], cst.parse_expression(_length_code(planner, found, found.length)))


def onecycle_total_steps(planner: Planner, found: SetHorizon) -> None:
    """WL011: build the cycle with `total_steps` = the number of times the loop steps it (or, stepped
    per epoch by Lightning, step it every optimizer step)."""
    if _interval_instead(planner, found):
        return
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
