"""WL002: a "warmup" that sets a constant LR instead of ramping it."""

from __future__ import annotations

from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.facts import LrWrite
from warmlint.analysis.lr_schedule import Schedule, WritePhase, schedule_of
from warmlint.analysis.schedules import manual_schedule
from warmlint.analysis.warmup_phase import branch_phase, mentions_warm, structural_signal
from warmlint.fixes import FixBuilder, FixSafety, Planner, ramp_fix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL002",
    "constant-warmup",
    "A warmup phase sets a constant learning rate instead of ramping it up.",
    fixable=True,
)

HINT = "ramp the LR linearly, e.g. `target_lr * (step + 1) / warmup_steps`, or use a LambdaLR with linear warmup"


@rule(
    RULE,
    fixes={
        # Removes the manual `param_group["lr"]` writes the scheduler replaces; where no scheduler
        # can be inserted, the constant becomes a ramp in place (only the value written changes).
        LrWrite: FixBuilder(
            Planner.replace_manual_warmup, FixSafety.UNSAFE, FixBuilder(ramp_fix.ramp_in_place, FixSafety.SAFE)
        ),
    },
)
def check(ctx: RuleContext):
    model = ctx.model
    flagged = set()
    for write in model.raw.lr_writes:
        if write.augmented or not model.is_param_group_write(write):
            continue
        value = model.resolver.number(write.value, write.scope)
        if value is None:
            continue  # depends on the step (or cannot be resolved): not a constant
        signal = _warmup_signal(ctx, write)
        if signal is None:
            continue
        reason, structural = signal
        optimizer = model.optimizer_of_group(write.group, write.scope, write.loops)
        schedule = schedule_of(model, optimizer) if optimizer is not None else None
        peak = schedule.peak.value if schedule is not None and schedule.peak is not None else None
        if not structural and (peak is None or value.number >= peak):
            continue  # only a comment says warm-up: flag only a value clearly below the peak
        source = f" (from {value.source})" if value.source else ""
        flagged.add(id(optimizer))
        yield Finding(
            node=write.node,
            message=(
                f"warmup sets a constant lr={value.number:g}{source} {reason}: "
                f"there is no ramp, {_what_follows(schedule, value.number)}"
            ),
            hint=HINT,
            fix_data=write,
        )
    for optimizer in model.optimizers:
        if id(optimizer) not in flagged and optimizer.lifetime.is_training_run:
            yield from _jumps(ctx, schedule_of(model, optimizer))


def _what_follows(schedule: Schedule | None, value: float) -> str:
    """How the LR leaves the warmup constant: in one jump, or never."""
    peak = schedule.peak.value if schedule is not None and schedule.peak is not None else None
    if peak is None or peak <= value:
        return "the LR jumps when warmup ends"
    assert schedule is not None
    raised_later = any(w.lr.value > value for w in schedule.writes)
    if raised_later:
        return f"the LR jumps to lr={peak:g} when warmup ends"
    return f"and nothing raises it to the optimizer's lr={peak:g} afterwards"


def _jumps(ctx: RuleContext, schedule: Schedule):
    """A constant warmup with no write of its own: the optimizer's LR (or `low if step < W else high`)
    holds until W, then one write jumps to the LR the run trains at."""
    found = schedule.phases
    if found is None or found.jump is None or not found.starts_low or schedule.warmup is None:
        return
    step, low, high = found.jump
    after = [w for w in schedule.writes if w.phase is WritePhase.AFTER_WARMUP]
    computed = manual_schedule(ctx.model, schedule.optimizer)
    if after and schedule.base is not None:
        yield Finding(
            node=after[0].write.node,
            message=(
                f"warmup holds {schedule.optimizer.short_name}'s lr={low:g} (`{schedule.base.text}`) for "
                f"{schedule.warmup.described} steps, then this write jumps to lr={high:g}: there is no ramp"
            ),
            hint=HINT,
            fix_data=after[0].write,
        )
    elif computed is not None and computed.schedule.shape and computed.schedule.shape.kind is ShapeKind.JUMP:
        yield Finding(
            node=computed.write.node,
            message=(
                f"the LR written to {schedule.optimizer.short_name}'s param groups holds lr={low:g} for "
                f"{schedule.warmup.described} steps of `{computed.counter}`, then jumps to lr={high:g} at "
                f"step {step}: a constant warmup with no ramp"
            ),
            hint=HINT,
            fix_data=computed.write,
        )


def _warmup_signal(ctx: RuleContext, write: LrWrite) -> tuple[str, bool] | None:
    """(reason, structural) when the write belongs to a warmup phase: the analysis's structural
    signals (`warmlint.analysis.warmup_phase`), else a warm-up comment near the write, which is
    this rule's own reading."""
    model = ctx.model
    for branch in write.branches:
        if branch_phase(model, branch) is False:
            return None
    structural = structural_signal(model, write)
    if structural:
        return structural, True
    if mentions_warm(model, write.value):
        return f"set from `{model.raw.module.code_for_node(write.value)}`", True
    comment = ctx.comment_near(write.node)
    if comment:
        return f"commented `{comment.strip()}`", False
    return None
