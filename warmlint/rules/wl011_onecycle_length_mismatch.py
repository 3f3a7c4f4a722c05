"""WL011: a OneCycleLR built for more or fewer steps than the run gives it."""

from __future__ import annotations

from warmlint.analysis.length_findings import SetHorizon
from warmlint.analysis.length_order import Order, compare
from warmlint.analysis.schedule_length import covered, horizon, scheduler_run, steps_stepped_per_epoch
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.fixes import FixBuilder, FixSafety, length_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.syntax import Unresolved

RULE = RuleInfo(
    "WL011",
    "onecycle-length-mismatch",
    "A OneCycleLR built for more or fewer steps than it is stepped: it raises mid-run or never anneals.",
    fixable=True,
)


@rule(
    RULE,
    fixes={SetHorizon: FixBuilder(length_fixes.onecycle_total_steps, FixSafety.SAFE)},  # changes only the cycle length
)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        if SchedulerKind.of(scheduler) is not SchedulerKind.ONE_CYCLE:
            continue
        cycle = horizon(model, scheduler)
        if cycle is None:
            continue
        try:
            span = covered(model, scheduler, scheduler_run(model, scheduler))
        except Unresolved:
            continue
        order = compare(model, cycle.length.text, span.text, scheduler.call.scope)
        if order is None or order is Order.EQUAL:
            continue
        built, stepped = cycle.length.value, span.value
        if order is Order.SHORTER and built is not None:
            outcome = f'step {built + 1:g} raises "Tried to step {built + 1:g} times", so the run stops there'
        elif order is Order.SHORTER:
            outcome = f"the step after the first {cycle.length.amount} raises, so the run stops there"
        elif built is not None and stepped is not None:
            outcome = f"the last {built - stepped:g} steps of the cycle never run, so the LR never anneals"
        else:
            outcome = "the end of the cycle never runs, so the LR never anneals"
        yield Finding(
            node=scheduler.call.node,
            message=(
                f"OneCycleLR is built for {cycle.kind} = {cycle.length} steps but is stepped {span} times: {outcome}"
            ),
            hint=(
                'Lightning steps it once per epoch: return it as {"scheduler": scheduler, "interval": "step"}'
                if steps_stepped_per_epoch(scheduler, cycle, span)
                else f"build it with total_steps={span.amount}, the number of times the loop steps it"
            ),
            fix_data=SetHorizon(scheduler, cycle, span),
        )
