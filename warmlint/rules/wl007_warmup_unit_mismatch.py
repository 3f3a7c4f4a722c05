"""WL007: a warmup counted in steps that is stepped once per epoch, or the reverse."""

from __future__ import annotations

from dataclasses import replace

from warmlint.analysis.length_findings import UnitMismatch
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.run_length import loop_count
from warmlint.analysis.stepping import StepRelation, relation, scheduler_step_sites
from warmlint.analysis.units import StepUnit, unit_by_size
from warmlint.analysis.warmup_length import warmup_length
from warmlint.fixes import FixBuilder, FixSafety, lightning_fix, unit_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.syntax import Unresolved

RULE = RuleInfo(
    "WL007",
    "warmup-unit-mismatch",
    "A warmup counted in steps is stepped once per epoch, or one counted in epochs every step.",
    fixable=True,
)


def _epochs(model: Model, found: StepRelation) -> float | None:
    """How many times the loop around a per-epoch scheduler.step() runs."""
    try:
        return loop_count(model, found.loop).value
    except Unresolved:
        return None


@rule(
    RULE,
    fixes={
        # Moves step() between loops (or, in a SequentialLR stepped per batch, converts the warmup length).
        UnitMismatch: FixBuilder(unit_fixes.match_unit, FixSafety.UNSAFE),
        # Lightning: `"interval": "step"` in the returned config; no user code moves.
        Scheduler: FixBuilder(lightning_fix.step_interval, FixSafety.SAFE),
    },
)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        if scheduler.parent is not None:
            continue
        length = warmup_length(model, scheduler)
        if length is None:
            continue
        if (
            scheduler.lightning_interval is StepUnit.EPOCH
            and length.unit is StepUnit.OPTIMIZER_STEP
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
                fix_data=scheduler,
            )
            continue
        for site in scheduler_step_sites(scheduler):
            found = relation(model, scheduler, site)
            if found is None or found.before_optimizer:
                continue
            unit = length.unit
            if unit is None and found.unit is StepUnit.EPOCH and length.value is not None:
                unit = unit_by_size(length.value, _epochs(model, found))
            if unit is StepUnit.OPTIMIZER_STEP and found.unit is StepUnit.EPOCH:
                message = (
                    f"the warmup of {scheduler.short_name} lasts {length.described} steps but step() is "
                    f"called once per epoch: the warmup takes {length.amount} epochs"
                )
                hint = "call scheduler.step() after optimizer.step(), inside the batch loop"
            elif unit is StepUnit.EPOCH and found.unit is StepUnit.OPTIMIZER_STEP:
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
                fix_data=UnitMismatch(scheduler, replace(length, unit=unit), found),
            )
            break
