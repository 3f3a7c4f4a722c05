"""WL004: a learning rate high enough to need a warmup, with a schedule that only decays."""

from __future__ import annotations

from warmlint.analysis import catalog
from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.model import Model, Optimizer, Scheduler, call_argument
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.config import Config
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.thresholds import describe_lr, high_lr_threshold

RULE = RuleInfo(
    "WL004",
    "decay-without-warmup",
    "A learning rate high enough to need a warmup, with a schedule that only decays.",
    fixable=True,
)


def needs_warmup(optimizer: Optimizer, model: Model, config: Config) -> str | None:
    """Why the optimizer's LR needs a warmup (the threshold it exceeds), or None."""
    lr = optimizer.lr.number if optimizer.lr else None
    if lr is None:
        return None
    if optimizer.family == catalog.SGD:
        limit = config.threshold("sgd-needs-warmup")
        return f"above {limit:g}" if lr > limit else None
    if optimizer.family == catalog.RMSPROP:
        limit = config.threshold("rmsprop-needs-warmup")
        return f"above {limit:g}" if lr > limit else None
    threshold = high_lr_threshold(optimizer, model, config)
    if threshold is None:
        return None
    if threshold.exceeded_by(lr):
        why = f" ({threshold.why})" if threshold.why else ""
        return f"{'at or ' if threshold.inclusive else ''}above {threshold.limit:g}{why}"
    return None


def decay_only(model: Model, scheduler: Scheduler) -> bool:
    """The scheduler's shape starts at the optimizer's LR and only goes down."""
    if scheduler.short_name in catalog.DECAY_ONLY_SCHEDULERS:
        return True
    if scheduler.short_name == "LambdaLR":
        schedule = lr_lambda_of(model, scheduler)
        return schedule is not None and schedule.shape is not None and schedule.shape.kind is ShapeKind.DECAY_ONLY
    if scheduler.short_name.startswith("get_") and scheduler.short_name.endswith("_with_warmup"):
        warmup = call_argument(scheduler.call.node, "num_warmup_steps", 1)
        value = model.resolver.number(warmup, scheduler.call.scope) if warmup is not None else None
        return value is not None and value.number == 0
    return False


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for optimizer in model.optimizers:
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
