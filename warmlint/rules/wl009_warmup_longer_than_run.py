"""WL009: a warmup at least as long as the run, so the LR never reaches its peak."""

from __future__ import annotations

import math
from collections.abc import Iterator

from warmlint.analysis.deepspeed_dicts import DictSchedule, DictValue
from warmlint.analysis.length_findings import ShortenWarmup
from warmlint.analysis.phases import MAX_WARMUP_STEPS, WARMUP_SHARE, warmup_steps_policy
from warmlint.analysis.schedule_length import SchedulerRun, scheduler_run
from warmlint.analysis.units import StepUnit
from warmlint.analysis.warmup_length import warmup_length
from warmlint.configs.facts import ConfigSchedule
from warmlint.configs.judging import ConfigFinding, Source, replace_number, shown, with_fix
from warmlint.fixes import FixBuilder, FixSafety, deepspeed_dict_fix, length_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.config_dicts import NO_DICT_FIX, dict_findings, dict_value, setting_number
from warmlint.syntax import Unresolved

RULE = RuleInfo(
    "WL009",
    "warmup-longer-than-run",
    "A warmup at least as long as the run it belongs to, so the LR never reaches its peak.",
    fixable=True,
)


def shortened(warmup: float, run: float) -> int:
    """`min(W, policy(T))`: the W policy's length for this run, or the warmup when it is shorter."""
    return min(math.ceil(warmup), warmup_steps_policy(math.ceil(run)))


def _unit(run: SchedulerRun) -> str:
    return "optimizer steps" if run.unit is StepUnit.OPTIMIZER_STEP else "epochs"


def _config_warmup_too_long(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """A config's warmup_steps at least the run's own length written in the same file."""
    warmup, run = schedule.warmup_steps, schedule.run_length
    if warmup is None or run is None or warmup.number is None or run.number is None or run.number <= 0:
        return
    if warmup.number < run.number:
        return
    steps = min(int(warmup.number), warmup_steps_policy(int(run.number)))  # the shared W policy
    yield with_fix(
        source,
        RULE.code,
        warmup.entry,
        f"{warmup.entry.key}={shown(warmup)} is at least the run's {run.entry.key}={shown(run)}: "
        "the LR never reaches its peak",
        f"shorten the warmup to {steps} steps (about 5% of the run)",
        lambda source: [replace_number(source, warmup, steps)],
    )


@rule(
    RULE,
    fixes={
        ShortenWarmup: FixBuilder(length_fixes.shorten_warmup, FixSafety.SAFE),  # changes only the warmup length
        DictValue: FixBuilder(deepspeed_dict_fix.set_value, FixSafety.SAFE),  # a dict's warmup_num_steps
    },
    config_check=_config_warmup_too_long,
)
def check(ctx: RuleContext):
    yield from dict_findings(ctx, RULE.code, _shorter_dict_warmup)  # a DeepSpeed config dict in the script
    model = ctx.model
    for scheduler in model.schedulers:
        if scheduler.parent is not None:
            continue
        warmup = warmup_length(model, scheduler)
        if warmup is None or warmup.value is None or warmup.node is None:
            continue
        try:
            run = scheduler_run(model, scheduler)
        except Unresolved:
            continue
        if warmup.unit is not None and warmup.unit != run.unit:
            continue  # counted in the other unit: WL007
        if run.calls.value is None or warmup.value < run.calls.value:
            continue
        steps = shortened(warmup.value, run.calls.value)
        yield Finding(
            node=warmup.node,
            message=(
                f"the warmup of {scheduler.short_name} lasts {warmup.described} scheduler steps but the run "
                f"steps it only {run.calls} times ({_unit(run)}): the LR never reaches its peak"
            ),
            hint=f"shorten the warmup to {steps} ({WARMUP_SHARE:.0%} of the run, at most {MAX_WARMUP_STEPS} steps)",
            fix_data=ShortenWarmup(warmup, scheduler, steps),
        )


def _shorter_dict_warmup(item: DictSchedule) -> tuple[object, str]:
    """A dict's warmup_num_steps shortened as the shared W policy says."""
    schedule = item.schedule
    if schedule.warmup_steps is None or schedule.run_length is None:
        return None, NO_DICT_FIX
    warmup, run = setting_number(schedule.warmup_steps), setting_number(schedule.run_length)
    return dict_value(item, schedule.warmup_steps, str(min(int(warmup), warmup_steps_policy(int(run)))))
