"""Which LR counts as high for an optimizer family (WL001), and which needs a warmup (WL004, verify)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple

from warmlint.analysis import catalog
from warmlint.analysis.model import Model, Optimizer
from warmlint.analysis.scale import ScaleEvidence
from warmlint.config import Config


class Threshold(NamedTuple):
    """An LR limit, whether reaching it counts, and the config key that sets it."""

    limit: float
    inclusive: bool
    key: str
    why: str = ""  # what in the file chose this limit (the Adam rows depend on the model's scale)

    def exceeded_by(self, lr: float) -> bool:
        return lr >= self.limit if self.inclusive else lr > self.limit

    @property
    def comparison(self) -> str:
        return ">=" if self.inclusive else ">"

    @property
    def described(self) -> str:
        """`lr > 0.4`, with what chose the limit: `lr >= 0.001, the file builds a transformer`."""
        why = f", {self.why}" if self.why else ""
        return f"lr {self.comparison} {self.limit:g}{why}"


def high_lr_threshold(optimizer: Optimizer, model: Model, config: Config) -> Threshold | None:
    """The limit above which the optimizer starts "high"; None: its family is never judged."""
    if optimizer.family == catalog.SGD:
        return Threshold(config.threshold("sgd-high"), True, "sgd-high")
    if optimizer.family == catalog.RMSPROP:
        return Threshold(config.threshold("rmsprop-high"), True, "rmsprop-high")
    if optimizer.family == catalog.ADAM:
        return adam_threshold(optimizer.scale, config)
    return None


def adam_threshold(evidence: ScaleEvidence, config: Config) -> Threshold:
    """The Adam-family limit for a model of this scale (also for the AdamW a Trainer builds)."""
    if evidence is ScaleEvidence.TRANSFORMER:
        return Threshold(
            config.threshold("adam-transformer-high"), True, "adam-transformer-high", "the file builds a transformer"
        )
    if evidence is ScaleEvidence.LARGE:
        return Threshold(
            config.threshold("adam-high"),
            False,
            "adam-high",
            "the file builds a large or pretrained model or uses a large batch",
        )
    return Threshold(config.threshold("adam-any-model-high"), True, "adam-any-model-high", "wrong for any model size")


def describe_lr(optimizer: Optimizer) -> str:
    """`lr=0.2 (from --learning-rate default)`."""
    assert optimizer.lr is not None
    text = f"lr={optimizer.lr.number:g}"
    return f"{text} (from {optimizer.lr.source})" if optimizer.lr.source else text


class WarmupNeed(enum.Enum):
    NEEDED = "needed"
    NOT_NEEDED = "not needed"
    UNKNOWN = "unknown"  # the LR does not resolve, or its optimizer family is not judged


@dataclass(frozen=True)
class WarmupVerdict:
    """Whether an optimizer's LR needs a warmup, and the threshold that says so."""

    need: WarmupNeed
    threshold: Threshold | None = None

    @property
    def described(self) -> str:
        return self.threshold.described if self.threshold is not None else ""


def warmup_threshold(optimizer: Optimizer, model: Model, config: Config, unscheduled: bool = False) -> Threshold | None:
    """The LR from which check asks the optimizer for a warmup; None: its family is never judged.

    `unscheduled`: nothing changes its LR, and WL001 asks for a warmup then decay from its high
    LR; a schedule that only decays needs a warmup from WL004's (for SGD, a higher) threshold.
    """
    if unscheduled:
        return high_lr_threshold(optimizer, model, config)
    if optimizer.family == catalog.SGD:
        return Threshold(config.threshold("sgd-needs-warmup"), False, "sgd-needs-warmup")
    if optimizer.family == catalog.RMSPROP:
        return Threshold(config.threshold("rmsprop-needs-warmup"), False, "rmsprop-needs-warmup")
    return high_lr_threshold(optimizer, model, config)


def warmup_need(optimizer: Optimizer, model: Model, config: Config) -> WarmupVerdict:
    """The one answer to "does this LR need a warmup?": WL004 asks it of a decay-only schedule,
    explain of a silent WL004, and `verify` (of the LR the run reached) before it calls a run
    without a warmup a failure."""
    threshold = warmup_threshold(optimizer, model, config)
    if threshold is None or optimizer.lr is None:
        return WarmupVerdict(WarmupNeed.UNKNOWN, threshold)
    need = WarmupNeed.NEEDED if threshold.exceeded_by(optimizer.lr.number) else WarmupNeed.NOT_NEEDED
    return WarmupVerdict(need, threshold)
