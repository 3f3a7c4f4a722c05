"""What a warmup, a jump, a decay, a constant tail and a restart are, on a trace of LRs.

The one set of definitions: `check` applies them to the schedule it evaluates from the code, the
fixer to the schedule of the file it wrote, and `verify` to the LRs it observed and projected, so
the same sequence of LRs gets the same verdict everywhere. A trace is a list of
(optimizer step, LR) points in increasing step order; it may be sampled (steps with gaps between
them), and a rise across a gap is never read as one step's jump.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[int, float]

START_LOW = 0.5  # a warmup starts at or below this fraction of the peak
JUMP_SHARE = 0.5  # one step covering more than this share of the rise to the peak...
JUMP_RATIO = 3.0  # ...when the peak is at least this many times the first LR, is a jump
DECAYED = 0.5  # a decayed run ends at or below this fraction of the peak
FLAT = 0.01  # an LR within this fraction of the peak holds the peak (a constant tail)
RESTART_LOW = 0.5  # after falling below this fraction of the peak...
RESTART_HIGH = 0.9  # ...climbing back above this fraction of it is a restart
AT_PEAK = 1e-6  # relative: an LR this close to the peak is at the peak (float rounding)

WARMUP_SHARE = 0.05  # the inserted warmup: this share of the run, rounded...
MAX_WARMUP_STEPS = 2000  # ...but never longer than this, and never below one step


@dataclass(frozen=True)
class Phases:
    """The verdict on one trace."""

    first: float
    peak: float
    peak_step: int  # the first step at the peak
    end: float
    end_step: int
    starts_low: bool  # lr(0) <= START_LOW * peak
    jump: tuple[int, float, float] | None  # (step, LR before, LR after) when the rise is one jump
    decays: bool  # after the peak, the LR ends at or below DECAYED * peak
    constant_tail: bool  # after the peak, the LR stays within FLAT of it to the end (a peak at the end has no tail)
    restart: tuple[Point, Point] | None  # (low point, high point after it) of the first restart

    @property
    def warmup(self) -> bool:
        """The LR rises, over at least two steps, from a low start to the peak, without a jump."""
        return self.starts_low and self.peak_step >= 1 and self.jump is None

    @property
    def rises_to_the_end(self) -> bool:
        """The peak is the last step: a warmup that never ends within the trace."""
        return self.starts_low and self.peak_step >= self.end_step and self.end_step > 0


def at_peak(lr: float, peak: float) -> bool:
    return lr >= peak * (1 - AT_PEAK)


def phases(trace: Sequence[Point]) -> Phases | None:
    """The phases of a trace; None when it holds no positive finite LR."""
    points = [(step, lr) for step, lr in trace if math.isfinite(lr)]
    if not points:
        return None
    peak = max(lr for _, lr in points)
    if peak <= 0:
        return None
    first = points[0][1]
    peak_index = next(i for i, (_, lr) in enumerate(points) if at_peak(lr, peak))
    peak_step = points[peak_index][0]
    end_step, end = points[-1]
    after = [lr for _, lr in points[peak_index:]]
    return Phases(
        first=first,
        peak=peak,
        peak_step=peak_step,
        end=end,
        end_step=end_step,
        starts_low=first <= START_LOW * peak,
        jump=_jump(points[: peak_index + 1], first, peak),
        decays=end <= DECAYED * peak,
        # A peak first reached at the last step has no tail: the warmup never ends (WL009's case).
        constant_tail=(len(after) > 1 or len(points) == 1) and all(lr >= (1 - FLAT) * peak for lr in after),
        restart=_restart(points[peak_index:], peak),
    )


def _jump(rise: list[Point], first: float, peak: float) -> tuple[int, float, float] | None:
    """The one step, between consecutive steps, that makes most of the climb to a peak >= 3x the start."""
    if peak < JUMP_RATIO * first or peak <= first:
        return None
    for (step_a, lr_a), (step_b, lr_b) in zip(rise, rise[1:]):
        if step_b == step_a + 1 and lr_b - lr_a > JUMP_SHARE * (peak - first):
            return step_b, lr_a, lr_b
    return None


def _restart(after_peak: list[Point], peak: float) -> tuple[Point, Point] | None:
    low: Point | None = None
    for point in after_peak:
        if point[1] < RESTART_LOW * peak and (low is None or point[1] < low[1]):
            low = point
        elif low is not None and point[1] > RESTART_HIGH * peak:
            return low, point
    return None


def warmup_steps_policy(total_steps: int, own: int | None = None) -> int:
    """W for an inserted warmup: the script's own length when it has one, else 5% of the run
    (Python's `round`, as the inserted `max(1, round(0.05 * total_steps))` computes it), at most
    2000 steps and at least one. From 5 steps on it is at most a fifth of the run (the rounded
    share is at most 0.05 * T + 0.5)."""
    if own is not None:
        return own
    return max(1, min(round(WARMUP_SHARE * total_steps), MAX_WARMUP_STEPS))


def warmup_cap_applies(total_steps: float | None) -> bool:
    """Whether the 2000-step cap can change W: for a run over 40,000 steps, or one whose length
    is not known before it starts (the inserted code then keeps the cap)."""
    return total_steps is None or round(WARMUP_SHARE * total_steps) > MAX_WARMUP_STEPS
