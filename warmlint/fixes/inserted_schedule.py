"""The warmup-then-decay schedule that `warmlint fix` inserts, as plain Python.

`multiplier` is the reference: the code the fixer writes into a user's file
(`warmlint.fixes.schedule_code`) computes the same numbers, and `warmlint schedule`
draws this function so a user can tune W and T before applying a fix.
"""

from __future__ import annotations

import math

from warmlint.config import Decay

STEP_DECAY_FACTOR = 0.1
STEP_DECAY_TIMES = 3  # the step decay divides the LR by 10 this many times over the decay phase


def multiplier(
    step: int, warmup_steps: int, total_steps: int, decay: Decay = Decay.COSINE, min_lr_ratio: float = 0.0
) -> float:
    """LR multiplier after `step` completed optimizer steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    if decay is Decay.STEP:
        interval = max(1, (total_steps - warmup_steps) // STEP_DECAY_TIMES)
        return STEP_DECAY_FACTOR ** min(STEP_DECAY_TIMES, (step - warmup_steps) // interval)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    if decay is Decay.LINEAR:
        return min_lr_ratio + (1 - min_lr_ratio) * (1 - progress)
    return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))
