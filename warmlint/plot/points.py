"""An LR curve as (optimizer step, LR) points, and the two things every chart asks of one."""

from __future__ import annotations

import math

Point = tuple[int, float]


def peak(points: list[Point]) -> Point | None:
    """The first point with the highest finite LR."""
    best: Point | None = None
    for point in points:
        if math.isfinite(point[1]) and (best is None or point[1] > best[1]):
            best = point
    return best


def format_lr(value: float) -> str:
    return f"{value:.3g}"
