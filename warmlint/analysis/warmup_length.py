"""The warmup length a scheduler is written with, and the unit it is counted in.

Read from `LinearLR(total_iters=...)`, a LambdaLR function's warmup-named free name, HF's
`num_warmup_steps`, or the warmup inside a SequentialLR; the unit from the name (`warmup_steps`,
`warmup_epochs`). Shared by the unit rule (WL007), the length rule (WL009) and their fixes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from warmlint.analysis.catalog import WARM_WORD
from warmlint.analysis.model import Model, Scheduler, call_argument
from warmlint.analysis.names import dotted_name
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.analysis.units import StepUnit, unit_named


@dataclass(frozen=True)
class WarmupLength:
    text: str  # how the length is written, e.g. "warmup_steps" or "500"
    value: float | None
    unit: StepUnit | None  # None when the name does not say
    node: cst.CSTNode | None = None  # where the warmup is defined: the lambda or def, or the argument
    scheduler: Scheduler | None = None  # the scheduler whose warmup it is (a SequentialLR's child)

    @property
    def amount(self) -> str:
        """The length as a number when it resolves, else as written."""
        return f"{self.value:g}" if self.value is not None else self.text

    @property
    def described(self) -> str:
        """`warmup_steps` (= 10)."""
        known = self.value is not None and self.text != f"{self.value:g}"
        return f"`{self.text}` (= {self.value:g})" if known else f"`{self.text}`"


def warmup_length(model: Model, scheduler: Scheduler) -> WarmupLength | None:
    """The warmup length a scheduler (or the warmup inside a SequentialLR) is written with."""
    expr = None
    if SchedulerKind.of(scheduler) is SchedulerKind.LINEAR:
        expr = call_argument(scheduler.call.node, "total_iters", 3)
    elif SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
        schedule = lr_lambda_of(model, scheduler)
        if schedule is None or schedule.shape is None or not schedule.shape.phases.warmup:
            return None
        names = [n for n in schedule.function.free_names() if WARM_WORD.search(n)]
        if len(names) != 1:
            return None
        found = _length(model, cst.parse_expression(names[0]), schedule.function.free_scope)
        return replace(found, node=schedule.anchor, scheduler=scheduler)
    elif scheduler.is_warmup_factory:
        expr = call_argument(scheduler.call.node, "num_warmup_steps", 1)
        if expr is None:
            return None
        found = _length(model, expr, scheduler.call.scope)
        return replace(found, unit=StepUnit.OPTIMIZER_STEP, node=expr, scheduler=scheduler)  # the API counts steps
    elif scheduler.children:
        for child in scheduler.children:
            inner = warmup_length(model, child)
            if inner is not None:
                return inner
    if expr is None:
        return None
    return replace(_length(model, expr, scheduler.call.scope), node=scheduler.call.node, scheduler=scheduler)


def _length(model: Model, expr: cst.BaseExpression, scope) -> WarmupLength:
    text = model.raw.module.code_for_node(expr)
    value = model.resolver.number(expr, scope)
    return WarmupLength(text, value.number if value else None, unit_named(dotted_name(expr) or ""))
