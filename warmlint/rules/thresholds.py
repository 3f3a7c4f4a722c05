"""Which LR counts as high for an optimizer family (WL001 and WL004)."""

from __future__ import annotations

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
