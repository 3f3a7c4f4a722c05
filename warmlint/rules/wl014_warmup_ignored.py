"""WL014: a warmup is configured, but the schedule in effect never reads it (HF `"constant"`)."""

from __future__ import annotations

from collections.abc import Iterator

from warmlint.analysis.trainer_configs import TrainerConfig, trainer_configs, trains_pretrained_model
from warmlint.configs.edits import replace_string
from warmlint.configs.facts import ConfigSchedule, Form, Setting
from warmlint.configs.judging import DECAY, ConfigFinding, Source, scalar_of, shown, with_fix
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


def _config_warmup_ignored(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """A recipe's `constant` schedule beside a warmup it never reads."""
    if schedule.form is not Form.RECIPE or schedule.name != "constant":
        return
    configured = _configured_warmup(schedule)
    if configured is not None:
        key = schedule.schedule.entry.key
        yield with_fix(
            source,
            RULE.code,
            schedule.schedule.entry,
            f"{key}: constant never reads {configured.entry.key}: {shown(configured)}: the warmup it asks "
            "for never happens, and the run starts at the full learning rate",
            f"use {key}: {DECAY}: the configured warmup, then a decay to the end of training",
            lambda source: [replace_string(source.text, scalar_of(schedule.schedule), DECAY)],
        )


def _configured_warmup(schedule: ConfigSchedule) -> Setting | None:
    for setting in (schedule.warmup_ratio, schedule.warmup_steps):
        if setting is not None and setting.number is not None and setting.number > 0:
            return setting
    return None


@rule(
    RULE,
    fixes={
        TrainerConfig: FixBuilder(trainer_config_fix.decay_config_after_warmup, FixSafety.SAFE)
    },  # "constant" -> "cosine"
    config_check=_config_warmup_ignored,
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
