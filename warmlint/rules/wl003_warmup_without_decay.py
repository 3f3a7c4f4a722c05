"""WL003: a warmup that ramps to the target LR and then holds it until the end."""

from __future__ import annotations

from collections.abc import Iterator

from warmlint.analysis import catalog
from warmlint.analysis.deepspeed_dicts import DecayingDict
from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.facts import LrWrite
from warmlint.analysis.lr_schedule import schedule_of
from warmlint.analysis.model import Scheduler
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import (
    ConstantAfterWarmup,
    constant_after_warmup,
    is_alone,
    is_linear_warmup,
    lr_lambda_of,
    manual_schedule,
)
from warmlint.analysis.trainer_configs import TrainerConfig, trainer_configs
from warmlint.analysis.warmup_phase import structural_signal
from warmlint.configs.edits import TextEdit, append_entry, replace_string
from warmlint.configs.errors import ConfigReadError
from warmlint.configs.facts import ConfigSchedule, Form, Setting
from warmlint.configs.judging import DECAY, DECAYING_DEEPSPEED, ConfigFinding, Source, scalar_of, with_fix
from warmlint.fixes import FixBuilder, FixSafety, Planner, decay_phase, deepspeed_dict_fix, trainer_config_fix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.config_dicts import dict_findings
from warmlint.syntax import code_of

RULE = RuleInfo(
    "WL003",
    "warmup-without-decay",
    "A warmup ramps the learning rate up and then holds it constant for the rest of training.",
    fixable=True,
)

HINT = (
    "follow the warmup with a decay to the end of training (cosine or linear), e.g. "
    "`warmlint fix` rewrites the schedule"
)


# ---- a training config (YAML, JSON, a DeepSpeed dict in a script) ----------------------------
def _config_holds(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """A config schedule that warms up and then holds: HF `constant_with_warmup`, DeepSpeed's
    `WarmupLR`, or a Lightning CLI `LinearLR` alone."""
    if schedule.form is Form.RECIPE and schedule.name == "constant_with_warmup":
        key = schedule.schedule.entry.key
        yield with_fix(
            source,
            RULE.code,
            schedule.schedule.entry,
            f"{key}: constant_with_warmup warms up and then holds the LR constant for the rest of training",
            f"use {key}: {DECAY} (or linear): the same warmup, then a decay to the end of training",
            lambda source: [replace_string(source.text, scalar_of(schedule.schedule), DECAY)],
        )
    elif schedule.form is Form.DEEPSPEED and schedule.name == "WarmupLR":
        yield with_fix(
            source,
            RULE.code,
            schedule.schedule.entry,
            "DeepSpeed's WarmupLR warms up to warmup_max_lr and then holds it for the rest of training",
            f'use "{DECAYING_DEEPSPEED}" (a linear decay to the end of training, total_num_steps long) '
            'or "WarmupCosineLR"',
            lambda source: _decaying_deepspeed(schedule, source),
        )
    elif schedule.form is Form.LIGHTNING:
        yield from _lightning_linear_alone(schedule)


def _lightning_linear_alone(schedule: ConfigSchedule) -> Iterator[ConfigFinding]:
    """A Lightning CLI `lr_scheduler` that is torch's LinearLR rising to its end factor, alone."""
    if (schedule.name or "").rsplit(".", 1)[-1] != "LinearLR":
        return
    start = _factor(schedule, "start_factor", 1 / 3)  # torch's defaults
    end = _factor(schedule, "end_factor", 1.0)
    if start is None or end is None or start >= end:
        return  # unknown, or a linear decay
    yield ConfigFinding(
        RULE.code,
        schedule.schedule.entry,
        f"LinearLR is the only schedule: it ramps the LR from {start:g}x to {end:g}x and then holds it "
        "constant for the rest of training",
        "return a schedule that decays after the warmup from configure_optimizers (e.g. a LambdaLR with "
        "warmup then cosine), or use OneCycleLR here",
        no_fix_reason="a Lightning CLI lr_scheduler is one class: a warmup followed by a decay is not one of "
        "torch's schedulers to name here",
    )


def _factor(schedule: ConfigSchedule, key: str, default: float) -> float | None:
    entry = schedule.holder.entries.get(key)
    return default if entry is None else Setting(entry).number


def _decaying_deepspeed(schedule: ConfigSchedule, source: Source) -> list[TextEdit]:
    """`WarmupLR` -> `WarmupDecayLR`, with `total_num_steps` from the run or left to the HF integration."""
    rename = replace_string(source.text, scalar_of(schedule.schedule), DECAYING_DEEPSPEED)
    if schedule.total_steps is not None:
        return [rename]
    run = schedule.run_length
    if run is not None and run.number is not None:
        total: str | int = int(run.number)
    elif schedule.auto:
        total = "auto"  # the HF integration fills it with the Trainer's number of steps
    else:
        raise ConfigReadError(
            'the config does not say how long the run is (no max_steps or train_iters, and no "auto" values '
            "for the HF integration to fill): set type to WarmupDecayLR with total_num_steps = the run's steps"
        )
    return [rename, append_entry(source.text, schedule.holder, "total_num_steps", total, source.json)]


# ---- a script ---------------------------------------------------------------------------------
@rule(
    RULE,
    fixes={
        # Rewrites only the LR function; where its run length is defined only further down, the
        # scheduler moves down to there, before anything uses it or its optimizer.
        Scheduler: FixBuilder(Planner.add_decay, FixSafety.SAFE, FixBuilder(Planner.add_decay_later, FixSafety.UNSAFE)),
        LrWrite: FixBuilder(Planner.replace_manual_warmup, FixSafety.UNSAFE),  # a manual ramp, as WL002
        TrainerConfig: FixBuilder(trainer_config_fix.decay_config_after_warmup, FixSafety.SAFE),
        # The constant phase of a SequentialLR becomes a decay: only the LR function changes.
        ConstantAfterWarmup: FixBuilder(decay_phase.decay_after_warmup, FixSafety.SAFE),
        # A DeepSpeed dict in the script: "WarmupLR" -> "WarmupDecayLR" with total_num_steps; only the dict changes.
        DecayingDict: FixBuilder(deepspeed_dict_fix.decaying_schedule, FixSafety.SAFE),
    },
    # A fix of any rule (WL001's inserted schedule, WL002's ramp...) must not leave a warmup that
    # never decays behind.
    never_added_by_fixes="warm up without ever decaying",
    config_check=_config_holds,
)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        held = constant_after_warmup(model, scheduler)
        if held is not None:
            yield Finding(
                node=held.constant.call.node,
                message=f"{held.warmup.short_name} warms up and then {held.constant.short_name} holds the LR "
                f"constant from milestone `{code_of(held.milestone)}` to the end of training",
                hint="replace the constant phase with a decay to the end of training, e.g. "
                "CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps)",
                fix_data=held,
            )
            continue
        if not is_alone(model, scheduler):
            continue
        if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
            message = _lambda_never_decays(model, scheduler)
            schedule = lr_lambda_of(model, scheduler)
            if message is not None and schedule is not None:
                yield Finding(node=schedule.anchor, message=message, hint=HINT, fix_data=scheduler)
        elif SchedulerKind.of(scheduler) is SchedulerKind.LINEAR and is_linear_warmup(model, scheduler):
            yield Finding(
                node=scheduler.call.node,
                message="LinearLR is the only schedule: it ramps the LR up and then holds it "
                "constant for the rest of training",
                hint=HINT,
                fix_data=scheduler,
            )
        elif scheduler.short_name in catalog.CONSTANT_AFTER_WARMUP_FACTORIES:
            yield Finding(
                node=scheduler.call.node,
                message=f"{scheduler.short_name} warms up and then holds the LR constant for the rest of training",
                hint="use get_cosine_schedule_with_warmup or get_linear_schedule_with_warmup instead",
                fix_data=scheduler,
            )
    yield from _manual_ramps(ctx)
    yield from dict_findings(ctx, RULE.code, lambda item: (DecayingDict(item), ""))  # DeepSpeed's WarmupLR in a dict
    for config in trainer_configs(model):
        if config.schedule == "constant_with_warmup":
            yield Finding(
                node=config.schedule_at or config.node,
                message='lr_scheduler_type="constant_with_warmup" warms up and then holds the LR constant for the '
                "rest of training",
                hint='use lr_scheduler_type="cosine" or "linear": the same warmup, then a decay to the end',
                fix_data=config,
            )


def _lambda_never_decays(model, scheduler) -> str | None:
    """Why a LambdaLR warms up and then holds: over the run when its length is known (the schedule
    of its optimizer), else over the horizon its own constants give."""
    run = schedule_of(model, scheduler.optimizer).phases if scheduler.optimizer is not None else None
    if run is not None:
        if not (run.warmup and run.constant_tail):
            return None
        total = run.end_step + 1
        return (
            f"LR lambda warms up from {run.first / run.peak:g}x to 1x by step {run.peak_step} and then stays "
            f"there to the end of the {total}-step run: the LR never decays"
        )
    schedule = lr_lambda_of(model, scheduler)
    if schedule is None or schedule.shape is None or schedule.shape.kind is not ShapeKind.WARMUP_THEN_FLAT:
        return None
    shape = schedule.shape
    if schedule.assumed:
        names = ", ".join(f"`{n}`" for n in schedule.assumed)
        return (
            f"LR lambda warms up and then stays at its peak for any value of {names} "
            f"(checked from 10 to 100,000): the LR never decays"
        )
    return (
        f"LR lambda warms up from {shape.start:g}x to {shape.peak:g}x by step {shape.peak_step} and then stays "
        f"at {shape.end:g}x (checked to step {shape.horizon}): the LR never decays"
    )


def _manual_ramps(ctx: RuleContext):
    """Param-group writes that ramp during warmup, for an optimizer nothing else ever changes."""
    model = ctx.model
    for optimizer in model.optimizers:
        writes = [w for w in optimizer.lr_writes if not w.augmented]
        if not writes or optimizer.schedulers or optimizer.schedule_helpers or optimizer.escapes:
            continue
        if len(writes) != len(optimizer.lr_writes):
            continue
        computed = manual_schedule(model, optimizer)
        if computed is not None and structural_signal(model, computed.write) is None:
            shape = computed.schedule.shape
            if shape is not None and shape.kind is ShapeKind.WARMUP_THEN_FLAT and optimizer.lifetime.is_training_run:
                yield Finding(
                    node=computed.write.node,
                    message=(
                        f"the LR written to {optimizer.short_name}'s param groups warms up from {shape.start:g} "
                        f"to {shape.peak:g} by step {shape.peak_step} of `{computed.counter}` and then stays "
                        f"there (checked to step {shape.horizon}): the LR never decays"
                    ),
                    hint=HINT,
                    fix_data=computed.write,
                )
            continue
        ramps = [w for w in writes if structural_signal(model, w) and model.resolver.number(w.value, w.scope) is None]
        if len(ramps) != len(writes):
            continue  # some write happens outside the warmup: possibly a decay
        for write in ramps:
            yield Finding(
                node=write.node,
                message=f"the LR of {optimizer.short_name} is ramped up {structural_signal(model, write)} "
                f"and never changed afterwards: the LR never decays",
                hint=HINT,
                fix_data=write,
            )
