"""What one step() call stands for: the unit every schedule length and stepping relation is in,
and how a length's name or size says which unit it counts."""

from __future__ import annotations

import enum
import re


class StepUnit(enum.Enum):
    OPTIMIZER_STEP = "step"  # once per optimizer step (per batch, or per accumulated update)
    EPOCH = "epoch"  # once per pass over the data
    UNKNOWN = "unknown"


_WORDS = {
    StepUnit.OPTIMIZER_STEP: re.compile(r"step|iter|update|batch", re.I),
    StepUnit.EPOCH: re.compile(r"epoch", re.I),
}
# A length too large to count the run's epochs counts optimizer steps, whatever its name: at
# least this many, and at least this many times the epochs (`warmup=500` in a 90-epoch run).
STEP_SIZED_LENGTH = 100
STEP_SIZED_RATIO = 4


def mentions_unit(name: str, unit: StepUnit) -> bool:
    """The name has a word of the unit in it (`warmup_epochs`, `num_training_steps`)."""
    words = _WORDS.get(unit)
    return words is not None and words.search(name) is not None


def unit_named(name: str) -> StepUnit | None:
    """The unit a length's name says it counts; epochs win (`steps_per_epoch` is per epoch)."""
    for unit in (StepUnit.EPOCH, StepUnit.OPTIMIZER_STEP):
        if mentions_unit(name, unit):
            return unit
    return None


def unit_by_size(length: float, epochs: float | None) -> StepUnit | None:
    """OPTIMIZER_STEP when the length is too large to count epochs of a run that has `epochs`."""
    if epochs is not None and length >= STEP_SIZED_LENGTH and epochs * STEP_SIZED_RATIO <= length:
        return StepUnit.OPTIMIZER_STEP
    return None
