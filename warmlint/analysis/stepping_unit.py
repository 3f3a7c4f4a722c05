"""The unit a scheduler is meant to be stepped in, read from its own lengths.

What a `scheduler.step()` added for a never-stepped scheduler must follow. StepLR, MultiStepLR
and ExponentialLR count epochs by convention (`StepLR(step_size=30)` in a 90-epoch run), unless
a length is too large to count the run's epochs (`step_size=3000` in a 90-epoch run counts
optimizer steps; stepped once per epoch it would never decay). Any other scheduler's lengths are
taken to count optimizer steps; the length rules (WL009-WL011) judge them against the run.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.model import Model, Scheduler, call_argument
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.units import StepUnit, unit_by_size

EPOCH_BY_CONVENTION = frozenset({SchedulerKind.STEP, SchedulerKind.MULTI_STEP, SchedulerKind.EXPONENTIAL})


def intended_unit(model: Model, scheduler: Scheduler, epochs: float | None) -> StepUnit:
    """The unit to step the scheduler in, in a run of `epochs` epochs (None when not known)."""
    if SchedulerKind.of(scheduler) not in EPOCH_BY_CONVENTION:
        return StepUnit.OPTIMIZER_STEP
    for length in _lengths(model, scheduler):
        if unit_by_size(length, epochs) is StepUnit.OPTIMIZER_STEP:
            return StepUnit.OPTIMIZER_STEP
    return StepUnit.EPOCH


def _lengths(model: Model, scheduler: Scheduler) -> list[float]:
    """The step counts the scheduler is built with that resolve: StepLR's `step_size`, MultiStepLR's milestones."""
    kind = SchedulerKind.of(scheduler)
    if kind is SchedulerKind.STEP:
        written = call_argument(scheduler.call.node, "step_size", 1)
        expressions = [written] if written is not None else []
    elif kind is SchedulerKind.MULTI_STEP:
        milestones = call_argument(scheduler.call.node, "milestones", 1)
        elements = milestones.elements if isinstance(milestones, (cst.List, cst.Tuple)) else ()
        expressions = [element.value for element in elements if isinstance(element, cst.Element)]
    else:
        expressions = []
    values = [model.resolver.number(expr, scheduler.call.scope) for expr in expressions]
    return [value.number for value in values if value is not None]
