"""Fixes: from a rule's finding to the CST edits that repair it (or the reason it cannot be done)."""

from __future__ import annotations

from warmlint.analysis.model import Model
from warmlint.analysis.run_length import Unresolved
from warmlint.fixes import checkpoint_fix, length_fixes, stepping_fixes, warmup_prefix
from warmlint.fixes.edits import Edits
from warmlint.fixes.plans import FixOptions, Planner

_BUILDERS = {
    "WL001": Planner.insert_scheduler,
    "WL002": Planner.replace_manual_warmup,
    "WL003": Planner.add_decay,
    "WL004": warmup_prefix.add_warmup,
    "WL005": stepping_fixes.move_after_optimizer_step,
    "WL006": stepping_fixes.add_step,
    "WL007": stepping_fixes.step_per_batch,
    "WL008": checkpoint_fix.save_scheduler_state,
    "WL009": length_fixes.shorten_warmup,
    "WL010": length_fixes.set_horizon,
    "WL011": length_fixes.onecycle_total_steps,
    "WL012": length_fixes.move_into_guard,
}


def plan_fix(code: str, fix_data: object, model: Model, options: FixOptions) -> Edits | str:
    """The edits for one finding, or the reason it has no automatic fix."""
    builder = _BUILDERS.get(code)
    if builder is None:
        return "this rule has no automatic fix"
    planner = Planner(model, options)
    try:
        builder(planner, fix_data)
    except Unresolved as reason:  # CannotFix, or a fact of the run the file does not establish
        return str(reason)
    return planner.edits


__all__ = ["Edits", "FixOptions", "plan_fix"]
