"""What one step() call stands for: the unit every schedule length and stepping relation is in."""

from __future__ import annotations

import enum


class StepUnit(enum.Enum):
    OPTIMIZER_STEP = "step"  # once per optimizer step (per batch, or per accumulated update)
    EPOCH = "epoch"  # once per pass over the data
    UNKNOWN = "unknown"
