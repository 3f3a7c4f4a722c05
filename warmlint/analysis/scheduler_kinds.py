"""The schedulers the analysis knows by name: what every layer compares a scheduler's kind with."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warmlint.analysis.model import Scheduler


class SchedulerKind(enum.Enum):
    """The schedulers the analysis tells apart, by the name they are built with; `factor_of`
    computes the factor of all but the four after the Hugging Face factories."""

    LAMBDA = "LambdaLR"
    LINEAR = "LinearLR"
    CONSTANT = "ConstantLR"
    STEP = "StepLR"
    MULTI_STEP = "MultiStepLR"
    EXPONENTIAL = "ExponentialLR"
    COSINE = "CosineAnnealingLR"
    POLYNOMIAL = "PolynomialLR"
    SEQUENTIAL = "SequentialLR"
    HF_LINEAR = "get_linear_schedule_with_warmup"
    HF_COSINE = "get_cosine_schedule_with_warmup"
    HF_CONSTANT = "get_constant_schedule_with_warmup"
    ONE_CYCLE = "OneCycleLR"
    CYCLIC = "CyclicLR"
    COSINE_WARM_RESTARTS = "CosineAnnealingWarmRestarts"
    REDUCE_ON_PLATEAU = "ReduceLROnPlateau"

    @classmethod
    def of(cls, scheduler: Scheduler) -> SchedulerKind | None:
        try:
            return cls(scheduler.short_name)
        except ValueError:
            return None
