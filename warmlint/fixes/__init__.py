"""Fixes: from a rule's finding to the CST edits that repair it (or the reason it cannot be done).

Each builder is declared with its safety (see `FixSafety`): what it does to the user's code is
a property of the builder, so the table below is the one place that says it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from warmlint.analysis.checkpoints import CheckpointDict
from warmlint.analysis.deepspeed_dicts import DecayingDict, DictValue
from warmlint.analysis.facts import LrWrite
from warmlint.analysis.length_findings import MoveIntoGuard, SetHorizon, ShortenWarmup, UnitMismatch
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.schedules import ConstantAfterWarmup
from warmlint.analysis.stepping import StepRelation
from warmlint.analysis.trainer_configs import TrainerConfig
from warmlint.diagnostics import FixSafety
from warmlint.fixes import (
    checkpoint_fix,
    comment_fix,
    decay_phase,
    deepspeed_dict_fix,
    length_fixes,
    lightning_fix,
    ramp_fix,
    stepping_fixes,
    trainer_config_fix,
    unit_fixes,
    warmup_prefix,
)
from warmlint.fixes.comment_fix import CommentRewrite
from warmlint.fixes.edits import Edits
from warmlint.fixes.plans import FixOptions, Planner
from warmlint.syntax import Unresolved


@dataclass(frozen=True)
class FixBuilder:
    build: Callable[[Planner, Any], object]  # the facts' type is the table key's
    safety: FixSafety
    fallback: FixBuilder | None = None  # tried, with its own safety, where `build` cannot be made


SAFE, UNSAFE = FixSafety.SAFE, FixSafety.UNSAFE

# (rule, the facts its finding carries) -> the builder of its fix.
BUILDERS: dict[tuple[str, type], FixBuilder] = {
    ("WL001", Optimizer): FixBuilder(Planner.insert_scheduler, SAFE),
    # Trainer configs: rewrites only the schedule settings (lr_scheduler_type, warmup_ratio).
    ("WL001", TrainerConfig): FixBuilder(trainer_config_fix.warmup_and_decay, SAFE),
    # Removes the manual `param_group["lr"]` writes the scheduler replaces; where no scheduler
    # can be inserted, the constant becomes a ramp in place (only the value written changes).
    ("WL002", LrWrite): FixBuilder(Planner.replace_manual_warmup, UNSAFE, FixBuilder(ramp_fix.ramp_in_place, SAFE)),
    # Rewrites only the LR function; where its run length is defined only further down, the
    # scheduler moves down to there, before anything uses it or its optimizer.
    ("WL003", Scheduler): FixBuilder(Planner.add_decay, SAFE, FixBuilder(Planner.add_decay_later, UNSAFE)),
    ("WL003", LrWrite): FixBuilder(Planner.replace_manual_warmup, UNSAFE),  # a manual ramp, as WL002
    ("WL003", TrainerConfig): FixBuilder(trainer_config_fix.decay_config_after_warmup, SAFE),
    # The constant phase of a SequentialLR becomes a decay: only the LR function changes.
    ("WL003", ConstantAfterWarmup): FixBuilder(decay_phase.decay_after_warmup, SAFE),
    # A DeepSpeed dict in the script: "WarmupLR" -> "WarmupDecayLR" with total_num_steps; only the dict changes.
    ("WL003", DecayingDict): FixBuilder(deepspeed_dict_fix.decaying_schedule, SAFE),
    ("WL004", Scheduler): FixBuilder(warmup_prefix.add_warmup, SAFE),  # wraps the scheduler, keeps it
    ("WL004", TrainerConfig): FixBuilder(trainer_config_fix.add_config_warmup, SAFE),
    ("WL005", StepRelation): FixBuilder(stepping_fixes.move_after_optimizer_step, UNSAFE),  # moves step()
    ("WL006", Scheduler): FixBuilder(stepping_fixes.add_step, SAFE),
    # Moves step() between loops (or, in a SequentialLR stepped per batch, converts the warmup length).
    ("WL007", UnitMismatch): FixBuilder(unit_fixes.match_unit, UNSAFE),
    # Lightning: `"interval": "step"` in the returned config; no user code moves.
    ("WL007", Scheduler): FixBuilder(lightning_fix.step_interval, SAFE),
    ("WL008", CheckpointDict): FixBuilder(checkpoint_fix.save_scheduler_state, SAFE),
    ("WL009", ShortenWarmup): FixBuilder(length_fixes.shorten_warmup, SAFE),  # changes only the warmup length
    ("WL009", DictValue): FixBuilder(deepspeed_dict_fix.set_value, SAFE),  # a dict's warmup_num_steps
    ("WL010", SetHorizon): FixBuilder(length_fixes.set_horizon, SAFE),  # changes only T_max
    ("WL010", DictValue): FixBuilder(deepspeed_dict_fix.set_value, SAFE),  # a dict's total_num_steps
    ("WL011", SetHorizon): FixBuilder(length_fixes.onecycle_total_steps, SAFE),  # changes only the cycle length
    ("WL012", MoveIntoGuard): FixBuilder(length_fixes.move_into_guard, UNSAFE),  # moves scheduler.step()
    ("WL014", TrainerConfig): FixBuilder(trainer_config_fix.decay_config_after_warmup, SAFE),  # "constant" -> "cosine"
    ("WL101", CommentRewrite): FixBuilder(comment_fix.rewrite_comment, SAFE),  # edits a comment, no code
}


def plan_fix(code: str, fix_data: object, model: Model, options: FixOptions) -> Edits | str:
    """The edits for one finding, or the reason it has no automatic fix."""
    builder = BUILDERS.get((code, type(fix_data)))
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


__all__ = ["BUILDERS", "CommentRewrite", "Edits", "FixOptions", "plan_fix"]
