"""WL004: a learning rate high enough to need a warmup, with a schedule that only decays."""

from __future__ import annotations

from warmlint.analysis import catalog
from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.lr_schedule import schedule_of
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.analysis.trainer_configs import (
    DECAYING_SCHEDULES,
    TrainerConfig,
    trainer_configs,
    trains_pretrained_model,
)
from warmlint.analysis.warmup_length import warmup_length
from warmlint.config import Config
from warmlint.fixes import FixBuilder, FixSafety, trainer_config_fix, warmup_prefix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.thresholds import WarmupNeed, adam_threshold, describe_lr, warmup_need

RULE = RuleInfo(
    "WL004",
    "decay-without-warmup",
    "A learning rate high enough to need a warmup, with a schedule that only decays.",
    fixable=True,
)


def needs_warmup(optimizer: Optimizer, model: Model, config: Config) -> str | None:
    """Why the optimizer's LR needs a warmup (the threshold it exceeds), or None."""
    verdict = warmup_need(optimizer, model, config)
    return f"where a warmup is needed ({verdict.described})" if verdict.need is WarmupNeed.NEEDED else None


def decay_only(model: Model, scheduler: Scheduler) -> bool:
    """The scheduler's shape starts at the optimizer's LR and only goes down."""
    if scheduler.short_name in catalog.DECAY_ONLY_SCHEDULERS:
        return True
    if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
        schedule = lr_lambda_of(model, scheduler)
        return schedule is not None and schedule.shape is not None and schedule.shape.kind is ShapeKind.DECAY_ONLY
    if scheduler.is_warmup_factory:
        warmup = warmup_length(model, scheduler)  # W as the schedule model reads it: `num_warmup_steps`
        return warmup is not None and warmup.value == 0
    return False


@rule(
    RULE,
    fixes={
        Scheduler: FixBuilder(warmup_prefix.add_warmup, FixSafety.SAFE),  # wraps the scheduler, keeps it
        TrainerConfig: FixBuilder(trainer_config_fix.add_config_warmup, FixSafety.SAFE),
    },
)
def check(ctx: RuleContext):
    yield from _trainer_configs(ctx)
    model = ctx.model
    for optimizer in model.optimizers:
        if not optimizer.schedulers and optimizer.lifetime.is_training_run and not optimizer.escapes:
            yield from _decaying_helper(ctx, optimizer)
        if not optimizer.schedulers or optimizer.lr_writes or optimizer.schedule_helpers or optimizer.escapes:
            continue
        if not optimizer.lifetime.is_training_run:
            continue
        top = [s for s in optimizer.schedulers if s.parent is None]
        if not top or not all(decay_only(model, s) for s in top):
            continue
        reason = needs_warmup(optimizer, model, ctx.config)
        if reason is None:
            continue
        names = ", ".join(sorted({s.short_name for s in top}))
        yield Finding(
            node=optimizer.call.node,
            message=(
                f"{optimizer.short_name} starts at {describe_lr(optimizer)}, {reason}, and its schedule "
                f"({names}) only decays: the first updates run at the full LR with no warmup"
            ),
            hint="put a short linear warmup in front of the decay, e.g. "
            "SequentialLR([LinearLR(...), <your scheduler>], milestones=[warmup])",
            fix_data=top[0] if len(top) == 1 else None,
            no_fix_reason="" if len(top) == 1 else "several schedulers drive this optimizer",
        )


def _decaying_helper(ctx: RuleContext, optimizer: Optimizer):
    """`adjust_learning_rate(optimizer, epoch, args)` whose body only decays the LR from its first call."""
    helper = schedule_of(ctx.model, optimizer).helper
    if helper is None or helper.shape.kind is not ShapeKind.DECAY_ONLY or optimizer.schedule_helpers:
        return
    reason = needs_warmup(optimizer, ctx.model, ctx.config)
    if reason is None:
        return
    yield Finding(
        node=optimizer.call.node,
        message=(
            f"{optimizer.short_name} starts at {describe_lr(optimizer)}, {reason}, and {helper.function}() "
            f"sets it from `{helper.counter}` with a schedule that only decays: the first updates run at "
            "the full LR with no warmup"
        ),
        hint=f"ramp the LR up over the first steps in {helper.function}() before its decay",
        no_fix_reason=f"the LR is set by {helper.function}(): add the warmup to it by hand",
    )


def _trainer_configs(ctx: RuleContext):
    """A Trainer config with a decaying schedule, no warmup and an LR that needs one."""
    real_run = trains_pretrained_model(ctx.model)  # a call's keywords count on a real training run
    for config in trainer_configs(ctx.model):
        lr = config.learning_rate
        if not ((config.from_defaults or real_run) and config.adam and lr is not None and config.has_warmup is False):
            continue
        if config.schedule not in DECAYING_SCHEDULES:
            continue
        threshold = adam_threshold(ctx.model.scale_evidence, ctx.config)
        if not threshold.exceeded_by(lr.number):
            continue
        yield Finding(
            node=config.learning_rate_at or config.node,
            message=(
                f'learning_rate={lr.number:g} with lr_scheduler_type="{config.schedule}" and no warmup '
                "(warmup_steps and warmup_ratio are 0): the first updates run at the full LR"
            ),
            hint=f"needs a warmup means lr {threshold.comparison} {threshold.limit:g} ({threshold.why}); "
            "set warmup_ratio, e.g. 0.05",
            fix_data=config,
        )
