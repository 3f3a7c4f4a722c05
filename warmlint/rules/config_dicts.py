"""DeepSpeed config dicts in a script, judged by the rules' config checks.

The schedule a dict sets up (`warmlint.analysis.deepspeed_dicts`) goes through the same config
checks as a `ds_config.json` (each rule's `config_check`, from the registry); each finding is
reported at the dict's key in the script, and its fix is a CST edit of the dict
(`warmlint.fixes.deepspeed_dict_fix`), from the facts each rule's module gives for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from warmlint.analysis.deepspeed_dicts import DictSchedule, DictValue, deepspeed_schedules
from warmlint.configs.facts import Setting
from warmlint.rules.base import Finding, RuleContext, config_findings

DictFix = Callable[[DictSchedule], tuple[object, str]]  # a dict's schedule -> (fix_data, no_fix_reason)
NO_DICT_FIX = "this rule has no automatic fix for a dict"


def dict_findings(ctx: RuleContext, code: str, fix: DictFix) -> Iterator[Finding]:
    """Rule `code`'s config-check findings on the script's dicts, with the facts `fix` gives for
    the rule's fix builder (declared in the rule's module)."""
    for item in deepspeed_schedules(ctx.model):
        for finding in config_findings(item.schedule, None):
            node = item.tree.node_of(finding.at)
            if finding.code != code or node is None:
                continue
            fix_data, reason = fix(item)
            yield Finding(node, finding.message, finding.hint, fix_data=fix_data, no_fix_reason=reason)


def dict_value(item: DictSchedule, setting: Setting, code: str) -> tuple[object, str]:
    """The number written for `setting` in the dict, to become `code`; or why it cannot be changed there."""
    written = item.tree.values.get(id(setting.entry))
    if not isinstance(written, cst.Integer):
        return None, f"{setting.entry.key} is not a number written in the dict: change it where it is set"
    return DictValue(written, code), ""


def setting_number(setting: Setting) -> float:
    return setting.number or 0.0
