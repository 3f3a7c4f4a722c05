"""The warmup-then-decay schedule that `warmlint fix` inserts, as plain Python.

`multiplier` is the reference: the code the fixer writes into a user's file
(`warmlint.fixes.schedule_code`) computes the same numbers, and `warmlint schedule`
draws this function so a user can tune W and T before applying a fix.
"""

from __future__ import annotations

import math

STEP_DECAY_FACTOR = 0.1
STEP_DECAY_TIMES = 3  # the step decay divides the LR by 10 this many times over the decay phase


WARMUP_SHARE = 0.05  # the default warmup: this share of the run...
MAX_WARMUP_STEPS = 2000  # ...but never longer than this
MIN_WARMUP_STEPS = 4  # ...and at least this: the first step at <= 1/5 of the peak, what verify calls a warmup
RUN_PER_WARMUP = 5  # ...where the run allows: the floor is at most T // 5, so W <= 0.2 * T


def default_warmup_steps(total_steps: int) -> int:
    """About 5% of training, at most 2000 steps, at least 4 where that is at most a fifth of the
    run, and at least 1.

    The floor is capped by the run: a fixed 10 steps would take the whole of a 10-step run,
    which then never decays. 5% itself stays at or below `T // 5` for every run of 5 steps or
    more; below that, one step of warmup is the least there can be.
    """
    share = min(math.ceil(WARMUP_SHARE * total_steps), MAX_WARMUP_STEPS)
    return max(1, share, min(MIN_WARMUP_STEPS, total_steps // RUN_PER_WARMUP))


def multiplier(
    step: int, warmup_steps: int, total_steps: int, decay: str = "cosine", min_lr_ratio: float = 0.0
) -> float:
    """LR multiplier after `step` completed optimizer steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    if decay == "step":
        interval = max(1, (total_steps - warmup_steps) // STEP_DECAY_TIMES)
        return STEP_DECAY_FACTOR ** min(STEP_DECAY_TIMES, (step - warmup_steps) // interval)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    if decay == "linear":
        return min_lr_ratio + (1 - min_lr_ratio) * (1 - progress)
    return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))
