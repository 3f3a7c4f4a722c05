"""WL013: a param group's `lr` written by hand while a torch scheduler also sets it."""

from __future__ import annotations

from warmlint.analysis.catalog import LR_SCHEDULER_MODULE
from warmlint.analysis.facts import CallSite, LrWrite
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.stepping import scheduler_step_sites
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL013",
    "manual-lr-write-fights-scheduler",
    "A param group's lr is written by hand for an optimizer whose torch scheduler also sets it.",
)

# Schedulers that compute the LR from `base_lrs` and their own counter: the next step() erases a write.
_FROM_OWN_STATE = {
    SchedulerKind.LAMBDA,
    SchedulerKind.ONE_CYCLE,
    SchedulerKind.CYCLIC,
    SchedulerKind.COSINE_WARM_RESTARTS,
}


def _torch_schedule(scheduler: Scheduler) -> bool:
    """A torch scheduler, or a transformers factory (they return a LambdaLR)."""
    if SchedulerKind.of(scheduler) is SchedulerKind.REDUCE_ON_PLATEAU:
        return False  # it only scales the LR the group holds when a metric stalls: a write is not lost
    return scheduler.qualified.startswith(LR_SCHEDULER_MODULE) or (
        scheduler.qualified.startswith("transformers.") and scheduler.short_name.startswith("get_")
    )


def _runs_whenever(site: CallSite, write: LrWrite) -> bool:
    """The step() runs whenever the write does: it sits under no condition the write is not under
    (`if step < warmup: write` with `else: scheduler.step()` hands the LR over, it does not fight)."""
    return all(
        any(b.test is branch.test and b.in_body == branch.in_body for b in write.branches) for branch in site.branches
    )


def fights(model: Model, write: LrWrite, scheduler: Scheduler) -> bool:
    """The write runs after the scheduler is built, and the scheduler steps again after it."""
    top = scheduler.parent or scheduler
    for site in scheduler_step_sites(top):
        if site.scope != write.scope or not _runs_whenever(site, write):
            continue
        if set(write.loops) & set(site.loops):
            return True  # both in the training loop
        if top.call.scope == write.scope and top.call.order < write.order < site.order:
            return True  # after the scheduler is built, before the loop that steps it
    return False


def winner(scheduler: Scheduler) -> str:
    if SchedulerKind.of(scheduler) in _FROM_OWN_STATE or scheduler.short_name.startswith("get_"):
        return f"{scheduler.short_name} wins: its next step() sets the LR from base_lr and its own counter"
    return (
        f"{scheduler.short_name} rescales whatever the group holds, so the written LR is multiplied by the "
        "schedule's factors from then on and neither one is the LR you asked for"
    )


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for optimizer in model.optimizers:
        if not optimizer.lifetime.is_training_run:
            continue
        schedulers = [s for s in optimizer.schedulers if _torch_schedule(s) and s.parent is None]
        for write in optimizer.lr_writes:
            scheduler = next((s for s in schedulers if fights(model, write, s)), None)
            if scheduler is None:
                continue
            yield Finding(
                node=write.node,
                message=f"this LR write fights {scheduler.short_name}, which also sets the LR: {winner(scheduler)}",
                hint="let the scheduler own the LR (express the change in its schedule), or drop the scheduler",
                no_fix_reason="decide which of the two should set the LR",
            )
