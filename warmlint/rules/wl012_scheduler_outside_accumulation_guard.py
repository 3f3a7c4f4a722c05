"""WL012: optimizer.step() under a gradient-accumulation guard, scheduler.step() on every micro-batch."""

from __future__ import annotations

from warmlint.analysis.accumulation import accumulation_guard
from warmlint.analysis.length_findings import MoveIntoGuard
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.stepping import scheduler_step_sites
from warmlint.fixes import FixBuilder, FixSafety, length_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.syntax import code_of

RULE = RuleInfo(
    "WL012",
    "scheduler-outside-accumulation-guard",
    "optimizer.step() runs under a gradient-accumulation guard but the scheduler steps every micro-batch.",
    fixable=True,
)


@rule(RULE, fixes={MoveIntoGuard: FixBuilder(length_fixes.move_into_guard, FixSafety.UNSAFE)})  # moves scheduler.step()
def check(ctx: RuleContext):
    model = ctx.model
    for optimizer in model.optimizers:
        if not optimizer.lifetime.is_training_run:
            continue
        for step in optimizer.steps:
            guard = accumulation_guard(step)
            factor = model.resolver.number(guard.factor, step.scope) if guard is not None else None
            if guard is None or factor is None or factor.number <= 1:
                continue
            for scheduler in optimizer.schedulers:
                if scheduler.parent is not None or SchedulerKind.of(scheduler) is SchedulerKind.REDUCE_ON_PLATEAU:
                    continue
                for site in scheduler_step_sites(scheduler):
                    # Any condition on the scheduler's step (even a second `if` with the same test) is
                    # read as the user's own pacing: only an unconditional step in the same loop counts.
                    if site.scope != step.scope or site.loops != step.loops or site.branches:
                        continue
                    accumulation = code_of(guard.factor)
                    yield Finding(
                        node=site.node,
                        message=(
                            f"{code_of(site.node.func)}() runs on every micro-batch but optimizer.step() only "
                            f"under `if {code_of(guard.test)}` ({accumulation} = {factor.number:g}): the schedule "
                            f"runs {factor.number:g} times too fast"
                        ),
                        hint="step the scheduler inside the accumulation guard, right after optimizer.step()",
                        fix_data=MoveIntoGuard(site, step),
                    )
