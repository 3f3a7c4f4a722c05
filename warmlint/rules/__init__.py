"""The rule registry. A rule registers itself where it is defined; importing this
package imports every rule module, so the registry is complete."""

from __future__ import annotations

import importlib
import pkgutil

from warmlint.rules.base import RULES, Finding, Rule, RuleContext, rule

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("wl"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["RULES", "Finding", "Rule", "RuleContext", "rule", "all_codes"]


def all_codes() -> list[str]:
    return sorted(RULES)
