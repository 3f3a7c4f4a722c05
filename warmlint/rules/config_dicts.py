"""DeepSpeed config dicts in a script, judged by the config-file rules (WL003, WL009, WL010).

The schedule a dict sets up (`warmlint.analysis.deepspeed_dicts`) goes through the same rules as
a `ds_config.json` (`warmlint.configs.rules`); each finding is reported at the dict's key in the
script, and its fix is a CST edit of the dict (`warmlint.fixes.deepspeed_dict_fix`).
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from warmlint.analysis.deepspeed_dicts import DecayingDict, DictSchedule, DictValue, deepspeed_schedules
from warmlint.analysis.phases import warmup_steps_policy
from warmlint.configs.facts import Setting
from warmlint.configs.rules import findings
from warmlint.rules.base import Finding, RuleContext


def dict_findings(ctx: RuleContext, code: str) -> Iterator[Finding]:
    for item in deepspeed_schedules(ctx.model):
        for finding in findings(item.schedule, None):
            node = item.tree.node_of(finding.at)
            if finding.code != code or node is None:
                continue
            fix_data, reason = _fix_data(item, code)
            yield Finding(node, finding.message, finding.hint, fix_data=fix_data, no_fix_reason=reason)


def _fix_data(item: DictSchedule, code: str) -> tuple[object, str]:
    schedule = item.schedule
    if code == "WL003":
        return DecayingDict(item), ""
    if code == "WL009" and schedule.warmup_steps is not None and schedule.run_length is not None:
        warmup, run = _number(schedule.warmup_steps), _number(schedule.run_length)
        return _value(item, schedule.warmup_steps, str(min(int(warmup), warmup_steps_policy(int(run)))))
    if code == "WL010" and schedule.total_steps is not None and schedule.run_length is not None:
        return _value(item, schedule.total_steps, str(int(_number(schedule.run_length))))
    return None, "this rule has no automatic fix for a dict"


def _value(item: DictSchedule, setting: Setting, code: str) -> tuple[object, str]:
    written = item.tree.values.get(id(setting.entry))
    if not isinstance(written, cst.Integer):
        return None, f"{setting.entry.key} is not a number written in the dict: change it where it is set"
    return DictValue(written, code), ""


def _number(setting: Setting) -> float:
    return setting.number or 0.0
