"""A plain-text chart of LR against step, for terminals (no plotting library needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from warmlint.plot.points import Point, format_lr


@dataclass(frozen=True)
class Series:
    label: str
    # The character the text chart draws this series with.
    mark: str
    points: Sequence[Point]
    projected: bool = False
    # Which run the series belongs to ("before", "after"); one colour per run in the PNG.
    run: str = ""


def render_chart(series: Sequence[Series], width: int = 60, height: int = 12) -> str:
    """Draw every series on one grid; observed steps are drawn over projected ones."""
    drawn = [s for s in series if any(math.isfinite(lr) for _, lr in s.points)]
    if not drawn:
        return "(no LR to plot)"
    finite = [(step, lr) for s in drawn for step, lr in s.points if math.isfinite(lr)]
    first_step, last_step = min(p[0] for p in finite), max(p[0] for p in finite)
    low, high = min(p[1] for p in finite), max(p[1] for p in finite)
    if high == low:
        low, high = (0.0, high) if high > 0 else (high - 1.0, high + 1.0)
    grid = [[" "] * width for _ in range(height)]
    for one in sorted(drawn, key=lambda s: not s.projected):
        for step, lr in one.points:
            if math.isfinite(lr):
                column = _scale(step, first_step, last_step, width)
                row = height - 1 - _scale(lr, low, high, height)
                grid[row][column] = one.mark
    top, bottom = format_lr(high), format_lr(low)
    margin = max(len(top), len(bottom))
    lines = []
    for index, cells in enumerate(grid):
        label = top if index == 0 else bottom if index == height - 1 else ""
        lines.append(f"{label:>{margin}} |{''.join(cells)}")
    lines.append(f"{'':>{margin}} +{'-' * width}")
    left, right = f"step {first_step}", str(last_step)
    lines.append(f"{'':>{margin}}  {left}{right:>{max(width - len(left), len(right) + 1)}}")
    entries = [f"{s.mark} {s.label} ({_span(s.points)})" for s in drawn]
    legend = "   ".join(entries)
    for entry in [legend] if len(legend) <= width else entries:
        lines.append(f"{'':>{margin}}  {entry}")
    return "\n".join(lines)


def _scale(value: float, low: float, high: float, cells: int) -> int:
    if high == low:
        return 0
    return min(cells - 1, max(0, round((value - low) / (high - low) * (cells - 1))))


def _span(points: Sequence[Point]) -> str:
    steps = [step for step, _ in points]
    return f"steps {min(steps)}-{max(steps)}" if len(steps) > 1 else f"step {steps[0]}"
