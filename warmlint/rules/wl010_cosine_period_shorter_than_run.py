"""WL010: a CosineAnnealingLR whose `T_max` ends before the run does, so the LR climbs back up."""

from __future__ import annotations

from collections.abc import Iterator

from warmlint.analysis.deepspeed_dicts import DictSchedule, DictValue
from warmlint.analysis.length_findings import SetHorizon
from warmlint.analysis.length_order import Order, compare
from warmlint.analysis.schedule_length import covered, horizon, scheduler_run
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.units import StepUnit
from warmlint.configs.facts import ConfigSchedule, Form
from warmlint.configs.judging import DECAYING_DEEPSPEED, ConfigFinding, Source, replace_number, shown, with_fix
from warmlint.fixes import FixBuilder, FixSafety, deepspeed_dict_fix, length_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.config_dicts import NO_DICT_FIX, dict_findings, dict_value, setting_number
from warmlint.syntax import Unresolved

RULE = RuleInfo(
    "WL010",
    "cosine-period-shorter-than-run",
    "A CosineAnnealingLR whose T_max ends before the run does, so the LR climbs back to the peak.",
    fixable=True,
)


def _config_decay_ends_early(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """A DeepSpeed decay whose total_num_steps ends before the run's own length in the same file."""
    if schedule.form is not Form.DEEPSPEED or schedule.name == "WarmupLR":
        return  # WarmupLR never decays (WL003)
    total, run = schedule.total_steps, schedule.run_length
    if total is None or run is None or total.number is None or run.number is None:
        return
    if total.number < run.number:
        after = "warmup_min_lr" if schedule.name == DECAYING_DEEPSPEED else "its minimum (cos_min_ratio of the peak)"
        yield with_fix(
            source,
            RULE.code,
            total.entry,
            f"{schedule.name}'s total_num_steps={shown(total)} is shorter than the run's "
            f"{run.entry.key}={shown(run)}: the LR reaches {after} after step {shown(total)} and stays there "
            f"for the last {run.number - total.number:g} steps",
            f'set total_num_steps to the run\'s length ({shown(run)}), or to "auto" with the HF Trainer',
            lambda source: [replace_number(source, total, int(run.number or 0))],
        )


@rule(
    RULE,
    fixes={
        SetHorizon: FixBuilder(length_fixes.set_horizon, FixSafety.SAFE),  # changes only T_max
        DictValue: FixBuilder(deepspeed_dict_fix.set_value, FixSafety.SAFE),  # a dict's total_num_steps
    },
    config_check=_config_decay_ends_early,
)
def check(ctx: RuleContext):
    yield from dict_findings(ctx, RULE.code, _dict_horizon)  # a DeepSpeed config dict in the script
    model = ctx.model
    for scheduler in model.schedulers:
        if SchedulerKind.of(scheduler) is not SchedulerKind.COSINE:
            continue  # CosineAnnealingWarmRestarts restarts on purpose
        period = horizon(model, scheduler)
        if period is None:
            continue
        try:
            run = scheduler_run(model, scheduler)
            span = covered(model, scheduler, run)
        except Unresolved:
            continue
        if compare(model, period.length.text, span.text, scheduler.call.scope) is not Order.SHORTER:
            continue
        unit = "every optimizer step" if run.unit is StepUnit.OPTIMIZER_STEP else "once per epoch"
        yield Finding(
            node=scheduler.call.node,
            message=(
                f"CosineAnnealingLR has T_max={period.length} but is stepped {span} times ({unit}): "
                f"cosine is periodic, so after {period.length.amount} steps the LR climbs back to the peak"
            ),
            hint=f"set T_max to the length it covers, {span.amount}",
            fix_data=SetHorizon(scheduler, period, span),
        )


def _dict_horizon(item: DictSchedule) -> tuple[object, str]:
    """A dict's total_num_steps set to the run's length."""
    schedule = item.schedule
    if schedule.total_steps is None or schedule.run_length is None:
        return None, NO_DICT_FIX
    return dict_value(item, schedule.total_steps, str(int(setting_number(schedule.run_length))))
