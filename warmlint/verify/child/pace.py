"""How often a scheduler's step() is called, in calls per optimizer step, to extend it past the observed steps."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Pace:
    """``rate`` scheduler calls per optimizer step, the last one after ``last_position`` optimizer steps."""

    calls: int
    last_position: int
    rate: Fraction

    def calls_before(self, step: int) -> int:
        """Scheduler calls made before optimizer step ``step`` (1-based) runs, observed plus predicted."""
        ahead = step - 1 - self.last_position
        if ahead <= 0:
            return self.calls
        return self.calls + int(ahead * self.rate)


def pace_from_calls(positions: list[int], observed_steps: int, batches_per_epoch: int | None) -> Pace | None:
    """Estimate the pace from the optimizer step counts seen at each call.

    With no call seen, a scheduler is assumed to step once per epoch when the epoch length is
    known (an epoch may be longer than the observed steps); otherwise the pace is unknown.
    """
    if not positions:
        if batches_per_epoch and batches_per_epoch > observed_steps:
            return Pace(calls=0, last_position=0, rate=Fraction(1, batches_per_epoch))
        return None
    first, last = positions[0], positions[-1]
    if last > first:
        # Calls after the first position, over the steps they span: counts several calls per step too.
        rate = Fraction(sum(1 for p in positions if p > first), last - first)
    elif first > 0:
        rate = Fraction(len(positions), first)
    elif batches_per_epoch:
        rate = Fraction(1, batches_per_epoch)
    else:
        return None
    return Pace(calls=len(positions), last_position=last, rate=rate)
