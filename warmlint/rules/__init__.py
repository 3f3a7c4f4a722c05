"""The rules. A rule module registers its check and its fix builders where it declares the rule;
importing this package imports every rule module, so the registry (`RULES`) is complete but for
the engine's own three (warmlint.engine.lint). What rules exist (codes, names, summaries) is
warmlint.rule_index, which needs no parser."""

from __future__ import annotations

import importlib
import pkgutil

from warmlint.rules.base import RULES, Finding, Rule, RuleContext, register, rule

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("wl"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["RULES", "Finding", "Rule", "RuleContext", "register", "rule"]
