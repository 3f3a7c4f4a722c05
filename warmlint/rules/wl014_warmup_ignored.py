"""WL014: a warmup is configured, but the schedule in effect never reads it (HF `"constant"`)."""

from __future__ import annotations

from warmlint.analysis.trainer_configs import TrainerConfig, trainer_configs, trains_pretrained_model
from warmlint.fixes import FixBuilder, FixSafety, trainer_config_fix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.syntax import code_of

RULE = RuleInfo(
    "WL014",
    "warmup-ignored",
    "A warmup length is configured, but the schedule in effect never reads it, so the run starts at the full LR.",
    fixable=True,
)


@rule(
    RULE,
    fixes={
        TrainerConfig: FixBuilder(trainer_config_fix.decay_config_after_warmup, FixSafety.SAFE)
    },  # "constant" -> "cosine"
)
def check(ctx: RuleContext):
    configs = [c for c in trainer_configs(ctx.model) if c.schedule == "constant" and c.has_warmup]
    if not configs:
        return
    # A config class's defaults are the run's; a call's keywords count on a real training run.
    real_run = trains_pretrained_model(ctx.model)
    for config in configs:
        if config.from_defaults or real_run:
            yield Finding(
                node=config.schedule_at or config.node,
                message=f'lr_scheduler_type="constant" never reads {_warmup(config)}: the warmup it asks for '
                "never happens, and the run starts at the full learning rate",
                hint='use lr_scheduler_type="cosine": the configured warmup, then a decay to the end of training',
                fix_data=config,
            )


def _warmup(config: TrainerConfig) -> str:
    """The warmup settings as written (`warmup_ratio=0.03`)."""
    keys = [key for key in ("warmup_steps", "warmup_ratio") if key in config.settings]
    return " and ".join(f"{key}={code_of(config.settings[key].expr)}" for key in keys)
