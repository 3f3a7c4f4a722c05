"""The fixer's check of its own output, as a training run: a fix that compiles is not yet a fix
that trains well, nor one that keeps the user's run.

The run is kept: every training-run optimizer of the original file (matched in source order with
those of the fixed file) trains at the same peak LR after its warmup (`Schedule.target`) for the
same number of steps `T`, both as the schedule model (`warmlint.analysis.lr_schedule`) reads them.

Every LambdaLR function a fix wrote is evaluated over the run length `T` the fixed file has
(when `T` is a number) and judged by the phase definitions `check` and `verify` use
(`warmlint.analysis.phases`): a warmup that reaches the peak before the run ends, then a decay to
the configured minimum at `T`, as `warmlint.fixes.inserted_schedule.multiplier` is.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator

import libcst as cst

from warmlint.analysis.evaluate import Unsupported, classify
from warmlint.analysis.lr_schedule import Schedule, schedule_of
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.run_length import run_length
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import LambdaSchedule, lr_lambda_of
from warmlint.fixes.inserted_schedule import multiplier
from warmlint.fixes.plans import FixOptions
from warmlint.syntax import Unresolved, code_of

_TOLERANCE = 1e-6  # relative to the peak: the evaluator computes in floats, as the run would


def schedule_problem(before: Model, after: Model, options: FixOptions) -> str | None:
    """Why a schedule the fixes wrote into `after` would not train well over its run, or change the
    run `before` trains, or None."""
    existing = {_written(schedule.node) for _, schedule in _lambda_schedules(before)}
    for scheduler, schedule in _lambda_schedules(after):
        if _written(schedule.node) not in existing:
            problem = _run_problem(after, scheduler, schedule, options)
            if problem:
                return problem
    return run_change(before, after)


def run_change(before: Model, after: Model) -> str | None:
    """How the fixed file's runs differ from the original's in peak LR or `T`, or None."""
    old, new = _runs(before), _runs(after)
    if [s.optimizer.short_name for s in old] != [s.optimizer.short_name for s in new]:
        return "the fixed file would build other optimizers than the original"
    for was, now in zip(old, new):
        name = was.optimizer.short_name
        if was.target is not None and not _same(was.target.value, now.target.value if now.target else None):
            found = f"lr={now.target.value:g}" if now.target is not None else "an LR that cannot be read"
            return f"the fix would change the LR {name} trains at from lr={was.target.value:g} to {found}"
        old_total = was.total.value if was.total is not None else None
        new_total = now.total.value if now.total is not None else None
        if old_total is not None and not _same(old_total, new_total):
            found = f"{new_total:g} steps" if new_total is not None else "a length that cannot be read"
            return f"the fix would change the run of {name} from {old_total:g} steps to {found}"
    return None


def _runs(model: Model) -> list[Schedule]:
    return [schedule_of(model, o) for o in model.optimizers if o.lifetime.is_training_run]


def _same(was: float, now: float | None) -> bool:
    return now is not None and abs(now - was) <= _TOLERANCE * max(abs(was), abs(now))


def _written(node: cst.CSTNode) -> str:
    """What a schedule function computes, without its comments and layout: a fix that only removes
    a comment from `def lr_lambda(step):` (an unused suppression) has written no new schedule."""
    code = code_of(node)
    try:
        return ast.dump(ast.parse(textwrap.dedent(code)))
    except SyntaxError:
        return code


def _lambda_schedules(model: Model) -> Iterator[tuple[Scheduler, LambdaSchedule]]:
    for scheduler in model.schedulers:
        if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
            schedule = lr_lambda_of(model, scheduler)
            if schedule is not None and not schedule.assumed:
                yield scheduler, schedule


def _run_problem(model: Model, scheduler: Scheduler, schedule: LambdaSchedule, options: FixOptions) -> str | None:
    if scheduler.optimizer is None:
        return None
    try:
        total = options.total_steps or run_length(model, scheduler.optimizer).value
    except Unresolved:
        return None
    if total is None or total < 2:
        return None  # a length the file does not fix: the WL003 re-check still applies
    total = int(total)
    shape = classify(schedule.function, horizon=total - 1)  # the steps the run takes: 0 .. T-1
    if shape is None:
        return None
    found = shape.phases
    if found.peak_step >= total - 1:
        return f"the warmup would last the whole run of {total} steps (W >= T): the LR would never decay"
    if not found.starts_low:
        return f"the first step would run at {found.first / found.peak:.2g} of the peak LR: that is no warmup"
    if found.jump is not None:
        return f"the LR would jump to its peak at step {found.jump[0]} instead of ramping up"
    try:
        last = schedule.function(total)
    except (Unsupported, RecursionError, ZeroDivisionError, OverflowError):
        return None
    end = multiplier(total, found.peak_step, total, options.decay, options.min_lr_ratio) * found.peak
    if abs(last - end) > _TOLERANCE * found.peak:
        return (
            f"the LR would end the {total}-step run at {last / found.peak:.3g} of the peak, "
            f"not at its minimum {end / found.peak:.3g}"
        )
    return None
