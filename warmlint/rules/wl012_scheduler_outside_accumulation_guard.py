"""WL012: optimizer.step() under a gradient-accumulation guard, scheduler.step() on every micro-batch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from warmlint.analysis.accumulation import AccumulationGuard, accumulation_guard
from warmlint.analysis.facts import CallSite
from warmlint.analysis.length_findings import MoveIntoGuard
from warmlint.analysis.model import Model, Optimizer
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


@dataclass(frozen=True)
class GuardedStep:
    """An optimizer.step() of a training run under an accumulation guard of a known factor > 1."""

    optimizer: Optimizer
    step: CallSite
    guard: AccumulationGuard
    factor: float


def guarded_steps(model: Model) -> Iterator[GuardedStep]:
    for optimizer in model.optimizers:
        if not optimizer.lifetime.is_training_run:
            continue
        for step in optimizer.steps:
            guard = accumulation_guard(step)
            factor = model.resolver.number(guard.factor, step.scope) if guard is not None else None
            if guard is not None and factor is not None and factor.number > 1:
                yield GuardedStep(optimizer, step, guard, factor.number)


@rule(RULE, fixes={MoveIntoGuard: FixBuilder(length_fixes.move_into_guard, FixSafety.UNSAFE)})  # moves scheduler.step()
def check(ctx: RuleContext):
    for guarded in guarded_steps(ctx.model):
        step, guard, factor = guarded.step, guarded.guard, guarded.factor
        for scheduler in guarded.optimizer.schedulers:
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
                        f"under `if {code_of(guard.test)}` ({accumulation} = {factor:g}): the schedule "
                        f"runs {factor:g} times too fast"
                    ),
                    hint="step the scheduler inside the accumulation guard, right after optimizer.step()",
                    fix_data=MoveIntoGuard(site, step),
                )
