"""WL002: a "warmup" that sets a constant LR instead of ramping it."""

from __future__ import annotations

from warmlint.rules.base import Finding, RuleContext, rule
from warmlint.rules.warmup_phase import warmup_signal


@rule("WL002", "constant-warmup",
      "A warmup phase sets a constant learning rate instead of ramping it up.", fixable=True)
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
        target = f" to lr={peak:g}" if peak is not None and peak > value.number else ""
        yield Finding(
            node=write.node,
            message=(f"warmup sets a constant lr={value.number:g}{source} {reason}: "
                     f"there is no ramp, the LR jumps{target} when warmup ends"),
            hint="ramp the LR linearly, e.g. `target_lr * (step + 1) / warmup_steps`, "
                 "or use a LambdaLR with linear warmup",
            fix_data=write,
        )


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
