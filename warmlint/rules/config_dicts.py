"""DeepSpeed config dicts in a script, judged by the config-file rules (WL003, WL009, WL010).

The schedule a dict sets up (`warmlint.analysis.deepspeed_dicts`) goes through the same rules as
a `ds_config.json` (`warmlint.configs.rules`); each finding is reported at the dict's key in the
script, and its fix is a CST edit of the dict (`warmlint.fixes.deepspeed_dict_fix`), from the facts
each rule's module gives for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from warmlint.analysis.deepspeed_dicts import DictSchedule, DictValue, deepspeed_schedules
from warmlint.configs.facts import Setting
from warmlint.configs.rules import findings
from warmlint.rules.base import Finding, RuleContext

DictFix = Callable[[DictSchedule], tuple[object, str]]  # a dict's schedule -> (fix_data, no_fix_reason)
NO_DICT_FIX = "this rule has no automatic fix for a dict"


def dict_findings(ctx: RuleContext, code: str, fix: DictFix) -> Iterator[Finding]:
    """The config-file rule `code`'s findings on the script's dicts, with the facts `fix` gives
    for the rule's fix builder (declared in the rule's module)."""
    for item in deepspeed_schedules(ctx.model):
        for finding in findings(item.schedule, None):
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
