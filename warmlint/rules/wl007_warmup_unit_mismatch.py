"""WL007: a warmup counted in steps that is stepped once per epoch, or the reverse."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import libcst as cst

from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.model import Model, Scheduler, call_argument
from warmlint.analysis.names import dotted_name
from warmlint.analysis.run_length import Unresolved, loop_count
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.analysis.stepping import StepRelation, relation, scheduler_step_sites
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import WARM_WORD, Finding, RuleContext, rule

RULE = RuleInfo(
    "WL007",
    "warmup-unit-mismatch",
    "A warmup counted in steps is stepped once per epoch, or one counted in epochs every step.",
    fixable=True,
)

_STEP_WORDS = re.compile(r"step|iter|update|batch", re.I)
_EPOCH_WORDS = re.compile(r"epoch", re.I)


@dataclass(frozen=True)
class WarmupLength:
    text: str  # how the length is written, e.g. "warmup_steps" or "500"
    value: float | None
    unit: str | None  # "step", "epoch" or None when the name does not say
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
    if scheduler.short_name == "LinearLR":
        expr = call_argument(scheduler.call.node, "total_iters", 3)
    elif scheduler.short_name == "LambdaLR":
        schedule = lr_lambda_of(model, scheduler)
        if (
            schedule is None
            or schedule.shape is None
            or schedule.shape.kind not in (ShapeKind.WARMUP_THEN_DECAY, ShapeKind.WARMUP_THEN_FLAT, ShapeKind.RAMP)
        ):
            return None
        names = [n for n in schedule.function.free_names() if WARM_WORD.search(n)]
        if len(names) != 1:
            return None
        found = _length(model, cst.parse_expression(names[0]), schedule.function.free_scope)
        return replace(found, node=schedule.anchor, scheduler=scheduler)
    elif scheduler.short_name.startswith("get_") and scheduler.short_name.endswith("_with_warmup"):
        expr = call_argument(scheduler.call.node, "num_warmup_steps", 1)
        if expr is None:
            return None
        found = _length(model, expr, scheduler.call.scope)
        return replace(found, unit="step", node=expr, scheduler=scheduler)  # the API counts steps
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
    name = dotted_name(expr) or ""
    unit = "epoch" if _EPOCH_WORDS.search(name) else "step" if _STEP_WORDS.search(name) else None
    return WarmupLength(text, value.number if value else None, unit)


def _epochs(model: Model, found: StepRelation) -> float | None:
    """How many times the loop around a per-epoch scheduler.step() runs."""
    try:
        return loop_count(model, found.loop).value
    except Unresolved:
        return None


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        if scheduler.parent is not None:
            continue
        length = warmup_length(model, scheduler)
        if length is None:
            continue
        if (
            scheduler.lightning_interval == "epoch"
            and length.unit == "step"
            and not model.manual_lightning_optimization(scheduler)
        ):
            yield Finding(
                node=scheduler.call.node,
                message=(
                    f"the warmup of {scheduler.short_name} lasts {length.described} steps but Lightning steps "
                    f'a scheduler returned without `"interval": "step"` once per epoch: the warmup '
                    f"takes {length.amount} epochs"
                ),
                hint='return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, '
                '"interval": "step"}} from configure_optimizers',
                no_fix_reason='return the scheduler with "interval": "step"',
            )
            continue
        for site in scheduler_step_sites(scheduler):
            found = relation(model, scheduler, site)
            if found is None or found.before_optimizer:
                continue
            unit = length.unit
            if unit is None and found.unit == "epoch" and length.value is not None:
                epochs = _epochs(model, found)
                if length.value >= 100 and epochs is not None and epochs * 4 <= length.value:
                    unit = "step"
            if unit == "step" and found.unit == "epoch":
                message = (
                    f"the warmup of {scheduler.short_name} lasts {length.described} steps but step() is "
                    f"called once per epoch: the warmup takes {length.amount} epochs"
                )
                hint = "call scheduler.step() after optimizer.step(), inside the batch loop"
            elif unit == "epoch" and found.unit == "step":
                message = (
                    f"the warmup of {scheduler.short_name} lasts {length.described} epochs but step() is "
                    f"called every optimizer step: the warmup is over after {length.amount} steps"
                )
                hint = "step the scheduler once per epoch, or express the warmup in optimizer steps"
            else:
                continue
            yield Finding(
                node=scheduler.call.node,
                message=message,
                hint=hint,
                fix_data=found if unit == "step" else None,
                no_fix_reason="" if unit == "step" else "convert the warmup length to optimizer steps",
            )
            break
