"""Fixes: from a rule's finding to the CST edits that repair it (or the reason it cannot be done).

A rule module declares its fix builders with the rule (`warmlint.rules.base.rule`), each with
its safety (see `FixSafety`): what a builder does to the user's code is a property of the
builder, declared beside the check whose findings it repairs. The builders live here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from warmlint.analysis.model import Model
from warmlint.diagnostics import FixSafety
from warmlint.fixes.comment_fix import CommentRewrite
from warmlint.fixes.edits import Edits
from warmlint.fixes.plans import FixOptions, Planner
from warmlint.syntax import Unresolved


@dataclass(frozen=True)
class FixBuilder:
    build: Callable[[Planner, Any], object]  # takes the facts of the type it is declared for
    safety: FixSafety
    fallback: FixBuilder | None = None  # tried, with its own safety, where `build` cannot be made

    def safeties(self) -> set[FixSafety]:
        """Its own safety and its fallbacks': what a fix of this builder may turn out to be."""
        return {self.safety} | (self.fallback.safeties() if self.fallback else set())


def plan_fix(builder: FixBuilder | None, fix_data: object, model: Model, options: FixOptions) -> Edits | str:
    """The edits `builder` makes for one finding's facts, or the reason it has no automatic fix."""
    if builder is None:
        return "this rule has no automatic fix"
    first = _build(builder, fix_data, model, options)
    if isinstance(first, str) and builder.fallback is not None:
        second = _build(builder.fallback, fix_data, model, options)
        return second if isinstance(second, Edits) else first
    return first


def _build(builder: FixBuilder, fix_data: object, model: Model, options: FixOptions) -> Edits | str:
    planner = Planner(model, options)
    try:
        builder.build(planner, fix_data)
    except Unresolved as reason:  # CannotFix, or a fact of the run the file does not establish
        return str(reason)
    planner.edits.safety = builder.safety
    return planner.edits


__all__ = ["CommentRewrite", "Edits", "FixBuilder", "FixOptions", "FixSafety", "Planner", "plan_fix"]
