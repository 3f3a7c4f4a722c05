"""The rule checks. A check registers itself where it is defined; importing this
package imports every rule module, so the registry is complete. What rules exist
(codes, names, summaries) is warmlint.rule_index, which needs no parser."""

from __future__ import annotations

import importlib
import pkgutil

from warmlint.rules.base import CHECKS, Finding, RuleContext, rule

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("wl"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["CHECKS", "Finding", "RuleContext", "rule"]
