"""WL002: a "warmup" that sets a constant LR instead of ramping it."""

from __future__ import annotations

from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.warmup_phase import warmup_signal

RULE = RuleInfo(
    "WL002",
    "constant-warmup",
    "A warmup phase sets a constant learning rate instead of ramping it up.",
    fixable=True,
)


@rule(RULE)
def check(ctx: RuleContext):
    model = ctx.model
    for write in model.raw.lr_writes:
        if write.augmented or not model.is_param_group_write(write):
            continue
        value = model.resolver.number(write.value, write.scope)
        if value is None:
            continue  # depends on the step (or cannot be resolved): not a constant
        signal = warmup_signal(ctx, write)
        if signal is None:
            continue
        reason, structural = signal
        optimizer = model.optimizer_of_group(write.group, write.scope, write.loops)
        peak = _peak_lr(model, optimizer)
        if not structural and (peak is None or value.number >= peak):
            continue  # only a comment says warm-up: flag only a value clearly below the peak
        source = f" (from {value.source})" if value.source else ""
        yield Finding(
            node=write.node,
            message=(
                f"warmup sets a constant lr={value.number:g}{source} {reason}: "
                f"there is no ramp, {_what_follows(model, optimizer, value.number, peak)}"
            ),
            hint="ramp the LR linearly, e.g. `target_lr * (step + 1) / warmup_steps`, "
            "or use a LambdaLR with linear warmup",
            fix_data=write,
        )


def _what_follows(model, optimizer, value: float, peak: float | None) -> str:
    """How the LR leaves the warmup constant: in one jump, or never."""
    if peak is None or peak <= value:
        return "the LR jumps when warmup ends"
    raised_later = optimizer is not None and any(
        (v := model.resolver.number(w.value, w.scope)) is not None and v.number > value
        for w in optimizer.lr_writes
        if not w.augmented
    )
    if raised_later or optimizer is None:
        return f"the LR jumps to lr={peak:g} when warmup ends"
    return f"and nothing raises it to the optimizer's lr={peak:g} afterwards"


def _peak_lr(model, optimizer) -> float | None:
    """The LR the run is meant to reach: the optimizer's lr or the largest constant written to it."""
    if optimizer is None:
        return None
    candidates = [optimizer.lr.number] if optimizer.lr else []
    for write in optimizer.lr_writes:
        value = model.resolver.number(write.value, write.scope)
        if value is not None and not write.augmented:
            candidates.append(value.number)
    return max(candidates, default=None)
