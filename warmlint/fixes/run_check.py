"""The fixer's check of its own output, as a training run: a fix that compiles is not yet a fix
that trains well.

Every LambdaLR function a fix wrote is evaluated over the run length `T` the fixed file has
(when `T` is a number): it must start at or below 1/(W+1) of the peak, reach the peak before the
run ends, and be at the configured minimum at `T`, as `warmlint.engine.schedule.multiplier` is.
"""

from __future__ import annotations

from collections.abc import Iterator

from warmlint.analysis.evaluate import Unsupported, sample_steps
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.run_length import Unresolved, code_of, run_length
from warmlint.analysis.schedules import LambdaSchedule, lr_lambda_of
from warmlint.engine.schedule import multiplier
from warmlint.fixes.plans import FixOptions

_TOLERANCE = 1e-6  # relative to the peak: the evaluator computes in floats, as the run would


def schedule_problem(before: Model, after: Model, options: FixOptions) -> str | None:
    """Why a schedule the fixes wrote into `after` would not train well over its run, or None."""
    existing = {code_of(schedule.node) for _, schedule in _lambda_schedules(before)}
    for scheduler, schedule in _lambda_schedules(after):
        if code_of(schedule.node) not in existing:
            problem = _run_problem(after, scheduler, schedule, options)
            if problem:
                return problem
    return None


def _lambda_schedules(model: Model) -> Iterator[tuple[Scheduler, LambdaSchedule]]:
    for scheduler in model.schedulers:
        if scheduler.short_name == "LambdaLR":
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
    try:
        values = {step: schedule.function(step) for step in sample_steps(total)}
        peak = max(value for step, value in values.items() if step < total)
        if peak <= 0:
            return "the LR would be zero for the whole run"
        warmup = _first_at_peak(schedule, values, peak)
        peak = max(peak, schedule.function(warmup))  # the peak itself may fall between two samples
    except (Unsupported, RecursionError, ZeroDivisionError, OverflowError):
        return None
    if warmup >= total - 1:
        return f"the warmup would last the whole run of {total} steps (W >= T): the LR would never decay"
    if values[0] > peak / (warmup + 1) * (1 + _TOLERANCE):
        return f"the first step would run at {values[0] / peak:.2g} of the peak LR, above 1/(W+1) for W={warmup}"
    end = multiplier(total, warmup, total, options.decay, options.min_lr_ratio) * peak
    if abs(values[total] - end) > _TOLERANCE * peak:
        return (
            f"the LR would end the {total}-step run at {values[total] / peak:.3g} of the peak, "
            f"not at its minimum {end / peak:.3g}"
        )
    return None


def _first_at_peak(schedule: LambdaSchedule, values: dict[int, float], peak: float) -> int:
    """W: the first step at the peak. The samples thin out after step 64, so the step is narrowed
    down between the last sample below the peak and the first at it (the warmup rises)."""
    at_peak = [step for step, value in values.items() if value >= peak * (1 - _TOLERANCE)]
    below, first = max((s for s in values if s < at_peak[0]), default=-1), at_peak[0]
    while first - below > 1:
        middle = (below + first) // 2
        if schedule.function(middle) >= peak * (1 - _TOLERANCE):
            first = middle
        else:
            below = middle
    return first
