"""Which LR counts as high for an optimizer family (WL001 and WL004)."""

from __future__ import annotations

from warmlint.analysis import catalog
from warmlint.analysis.model import Model, Optimizer
from warmlint.config import Config


def high_lr_threshold(optimizer: Optimizer, model: Model, config: Config) -> tuple[float, bool, str] | None:
    """(threshold, inclusive, config key) above which the optimizer starts "high"; None: never high."""
    if optimizer.family == catalog.SGD:
        return config.threshold("sgd-high"), True, "sgd-high"
    if optimizer.family == catalog.RMSPROP:
        return config.threshold("rmsprop-high"), True, "rmsprop-high"
    if optimizer.family == catalog.ADAM:
        if model.builds_transformer:
            return config.threshold("adam-transformer-high"), True, "adam-transformer-high"
        return config.threshold("adam-high"), False, "adam-high"
    return None


def is_high(lr: float, threshold: tuple[float, bool, str]) -> bool:
    limit, inclusive, _ = threshold
    return lr >= limit if inclusive else lr > limit


def describe_lr(optimizer: Optimizer) -> str:
    """`lr=0.2 (from --learning-rate default)`."""
    assert optimizer.lr is not None
    text = f"lr={optimizer.lr.number:g}"
    return f"{text} (from {optimizer.lr.source})" if optimizer.lr.source else text
