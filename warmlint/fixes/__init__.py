"""Fixes: from a rule's finding to the CST edits that repair it (or the reason it cannot be done).

Each builder is declared with its safety (see `FixSafety`): what it does to the user's code is
a property of the builder, so the table below is the one place that says it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from warmlint.analysis.checkpoints import CheckpointDict
from warmlint.analysis.facts import LrWrite
from warmlint.analysis.length_fixes import MoveIntoGuard, SetHorizon, ShortenWarmup
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.run_length import Unresolved
from warmlint.analysis.stepping import StepRelation
from warmlint.diagnostics import FixSafety
from warmlint.fixes import checkpoint_fix, comment_fix, length_fixes, stepping_fixes, warmup_prefix
from warmlint.fixes.comment_fix import CommentRewrite
from warmlint.fixes.edits import Edits
from warmlint.fixes.plans import FixOptions, Planner


@dataclass(frozen=True)
class FixBuilder:
    build: Callable[[Planner, Any], object]  # the facts' type is the table key's
    safety: FixSafety


SAFE, UNSAFE = FixSafety.SAFE, FixSafety.UNSAFE

# (rule, the facts its finding carries) -> the builder of its fix.
BUILDERS: dict[tuple[str, type], FixBuilder] = {
    ("WL001", Optimizer): FixBuilder(Planner.insert_scheduler, SAFE),
    # Removes the manual `param_group["lr"]` writes the scheduler replaces.
    ("WL002", LrWrite): FixBuilder(Planner.replace_manual_warmup, UNSAFE),
    ("WL003", Scheduler): FixBuilder(Planner.add_decay, SAFE),  # rewrites only the LR function
    ("WL003", LrWrite): FixBuilder(Planner.replace_manual_warmup, UNSAFE),  # a manual ramp, as WL002
    ("WL004", Scheduler): FixBuilder(warmup_prefix.add_warmup, SAFE),  # wraps the scheduler, keeps it
    ("WL005", StepRelation): FixBuilder(stepping_fixes.move_after_optimizer_step, UNSAFE),  # moves step()
    ("WL006", Scheduler): FixBuilder(stepping_fixes.add_step, SAFE),
    ("WL007", StepRelation): FixBuilder(stepping_fixes.step_per_batch, UNSAFE),  # moves step() between loops
    ("WL008", CheckpointDict): FixBuilder(checkpoint_fix.save_scheduler_state, SAFE),
    ("WL009", ShortenWarmup): FixBuilder(length_fixes.shorten_warmup, SAFE),  # changes only the warmup length
    ("WL010", SetHorizon): FixBuilder(length_fixes.set_horizon, SAFE),  # changes only T_max
    ("WL011", SetHorizon): FixBuilder(length_fixes.onecycle_total_steps, SAFE),  # changes only the cycle length
    ("WL012", MoveIntoGuard): FixBuilder(length_fixes.move_into_guard, UNSAFE),  # moves scheduler.step()
    ("WL101", CommentRewrite): FixBuilder(comment_fix.rewrite_comment, SAFE),  # edits a comment, no code
}


def plan_fix(code: str, fix_data: object, model: Model, options: FixOptions) -> Edits | str:
    """The edits for one finding, or the reason it has no automatic fix."""
    builder = BUILDERS.get((code, type(fix_data)))
    if builder is None:
        return "this rule has no automatic fix"
    planner = Planner(model, options)
    try:
        builder.build(planner, fix_data)
    except Unresolved as reason:  # CannotFix, or a fact of the run the file does not establish
        return str(reason)
    planner.edits.safety = builder.safety
    return planner.edits


__all__ = ["BUILDERS", "CommentRewrite", "Edits", "FixOptions", "plan_fix"]
