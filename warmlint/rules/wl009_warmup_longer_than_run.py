"""WL009: a warmup at least as long as the run, so the LR never reaches its peak."""

from __future__ import annotations

import math

from warmlint.analysis.length_fixes import ShortenWarmup
from warmlint.analysis.run_length import Unresolved
from warmlint.analysis.schedule_length import SchedulerRun, scheduler_run
from warmlint.analysis.units import StepUnit
from warmlint.analysis.warmup_length import warmup_length
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL009",
    "warmup-longer-than-run",
    "A warmup at least as long as the run it belongs to, so the LR never reaches its peak.",
    fixable=True,
)

# The fix shortens the warmup to this share of the run (or keeps it, when it is shorter).
WARMUP_SHARE = 0.05


def shortened(warmup: float, run: float) -> int:
    """`min(W, ceil(0.05 T))`, at least one step."""
    return max(1, min(math.ceil(warmup), math.ceil(WARMUP_SHARE * run)))


def _unit(run: SchedulerRun) -> str:
    return "optimizer steps" if run.unit is StepUnit.OPTIMIZER_STEP else "epochs"


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        if scheduler.parent is not None:
            continue
        warmup = warmup_length(model, scheduler)
        if warmup is None or warmup.value is None or warmup.node is None:
            continue
        try:
            run = scheduler_run(model, scheduler)
        except Unresolved:
            continue
        if warmup.unit is not None and warmup.unit != run.unit:
            continue  # counted in the other unit: WL007
        if run.calls.value is None or warmup.value < run.calls.value:
            continue
        steps = shortened(warmup.value, run.calls.value)
        yield Finding(
            node=warmup.node,
            message=(
                f"the warmup of {scheduler.short_name} lasts {warmup.described} scheduler steps but the run "
                f"steps it only {run.calls} times ({_unit(run)}): the LR never reaches its peak"
            ),
            hint=f"shorten the warmup to {steps} ({WARMUP_SHARE:.0%} of the run)",
            fix_data=ShortenWarmup(warmup, scheduler, steps),
        )
