"""WL011: a OneCycleLR built for more or fewer steps than the run gives it."""

from __future__ import annotations

from warmlint.analysis.length_fixes import SetHorizon
from warmlint.analysis.run_length import Unresolved
from warmlint.analysis.schedule_length import covered, horizon, scheduler_run
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL011",
    "onecycle-length-mismatch",
    "A OneCycleLR built for more or fewer steps than it is stepped: it raises mid-run or never anneals.",
    fixable=True,
)


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        if scheduler.short_name != "OneCycleLR":
            continue
        cycle = horizon(model, scheduler)
        if cycle is None or cycle.length.value is None:
            continue
        try:
            span = covered(model, scheduler, scheduler_run(model, scheduler))
        except Unresolved:
            continue
        built, stepped = cycle.length.value, span.value
        if stepped is None or built == stepped:
            continue
        if stepped > built:
            outcome = f'step {built + 1:g} raises "Tried to step {built + 1:g} times", so the run stops there'
        else:
            outcome = f"the last {built - stepped:g} steps of the cycle never run, so the LR never anneals"
        yield Finding(
            node=scheduler.call.node,
            message=(
                f"OneCycleLR is built for {cycle.kind} = {cycle.length} steps but is stepped {span} times: {outcome}"
            ),
            hint=f"build it with total_steps={span.amount}, the number of times the loop steps it",
            fix_data=SetHorizon(scheduler, cycle, span),
        )
