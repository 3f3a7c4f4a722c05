"""WL001: a high LR from step 0 and nothing in the file ever changes it."""

from __future__ import annotations

from warmlint.analysis.model import Optimizer
from warmlint.analysis.trainer_configs import TrainerConfig, trainer_configs, trains_pretrained_model
from warmlint.fixes import FixBuilder, FixSafety, Planner, trainer_config_fix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.thresholds import adam_threshold, describe_lr, high_lr_threshold

RULE = RuleInfo(
    "WL001",
    "high-lr-without-schedule",
    "An optimizer starts at a high learning rate and nothing in the file changes it.",
    fixable=True,
)


@rule(
    RULE,
    fixes={
        Optimizer: FixBuilder(Planner.insert_scheduler, FixSafety.SAFE),
        # Trainer configs: rewrites only the schedule settings (lr_scheduler_type, warmup_ratio).
        TrainerConfig: FixBuilder(trainer_config_fix.warmup_and_decay, FixSafety.SAFE),
    },
)
def check(ctx: RuleContext):
    yield from _trainer_configs(ctx)
    model = ctx.model
    if model.unattributed_lr_writes or any(s.optimizer is None for s in model.schedulers):
        return  # something changes some optimizer's LR and we cannot tell which
    for optimizer in model.optimizers:
        threshold = high_lr_threshold(optimizer, model, ctx.config)
        if threshold is None or optimizer.lr is None or not threshold.exceeded_by(optimizer.lr.number):
            continue
        if optimizer.has_schedule or optimizer.escapes or not optimizer.lifetime.is_training_run:
            continue
        why = f" ({threshold.why})" if threshold.why else ""
        yield Finding(
            node=optimizer.call.node,
            message=(
                f"{optimizer.short_name} starts at {describe_lr(optimizer)} and nothing changes it: "
                f"add a warmup then decay schedule"
            ),
            hint=(
                f"high for {optimizer.short_name} means lr {threshold.comparison} {threshold.limit:g}{why} "
                f"(`{threshold.key}` in [tool.warmlint.thresholds]); `warmlint fix` inserts a LambdaLR "
                f"with linear warmup then {ctx.config.fix_option('decay').value} decay"
            ),
            fix_data=optimizer,
        )


def _trainer_configs(ctx: RuleContext):
    """A Trainer config whose `lr_scheduler_type="constant"` holds a high LR for the whole run."""
    real_run = trains_pretrained_model(ctx.model)  # a call's keywords count on a real training run
    for config in trainer_configs(ctx.model):
        lr = config.learning_rate
        if not (
            (config.from_defaults or real_run) and config.adam and config.schedule == "constant" and lr is not None
        ):
            continue
        threshold = adam_threshold(ctx.model.scale_evidence, ctx.config)
        if not threshold.exceeded_by(lr.number):
            continue
        ignored = " (its warmup_steps/warmup_ratio are ignored by that schedule)" if config.has_warmup else ""
        yield Finding(
            node=config.schedule_at or config.node,
            message=(
                f'lr_scheduler_type="constant" keeps learning_rate={lr.number:g} from the first step to the last'
                f"{ignored}: no warmup and no decay"
            ),
            hint=(
                f"high for AdamW means lr {threshold.comparison} {threshold.limit:g} ({threshold.why}); "
                'use lr_scheduler_type="cosine" (or "linear") with warmup_ratio, e.g. 0.05'
            ),
            fix_data=config,
        )
