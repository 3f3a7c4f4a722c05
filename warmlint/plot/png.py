"""``--plot out.png``: the LR curves as an image, warmup and decay shaded; matplotlib is optional."""

from __future__ import annotations

import importlib.util
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from warmlint.plot.points import Point, peak
from warmlint.plot.terminal import Series

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MATPLOTLIB_MISSING = "--plot needs matplotlib, which is not installed: pip install 'warmlint[plot]'"
# LRs this close (relative) to the peak are at the peak.
PEAK_TOLERANCE = 1e-6
# A hold at the peak shorter than this fraction of the run is drawn as part of the decay, not as a sliver.
HOLD_MIN_FRACTION = 0.02
# Observed curves with at most this many points are drawn with a marker at each step.
MARKED_POINTS = 60


@dataclass(frozen=True)
class Phase:
    label: str
    start: int
    end: int
    color: str


@dataclass(frozen=True)
class Verdict:
    """What the checks concluded, under the title: red when one failed."""

    text: str
    failed: bool


def matplotlib_available() -> bool:
    """Found without importing it, so a command can refuse ``--plot`` before doing any work."""
    return importlib.util.find_spec("matplotlib") is not None


def find_phases(points: list[Point]) -> list[Phase]:
    """Warmup up to the first peak, the steps held at the peak, then the decay: each band starts where the last ends."""
    top = peak(points)
    if top is None:
        return []
    # The first step at the peak: a restart can climb a rounding error above where the run started.
    held = next(index for index, (_, lr) in enumerate(points) if lr >= top[1] * (1 - PEAK_TOLERANCE))
    peak_step, peak_lr = points[held][0], top[1]
    while held + 1 < len(points) and points[held + 1][1] >= peak_lr * (1 - PEAK_TOLERANCE):
        held += 1
    first, hold_end, last = points[0][0], points[held][0], points[-1][0]
    phases = []
    if peak_step > first:
        phases.append(Phase("warmup", first, peak_step, "tab:orange"))
    decays = hold_end < last
    if decays and hold_end - peak_step < HOLD_MIN_FRACTION * (last - first):
        hold_end = peak_step
    if hold_end > peak_step and (phases or decays):
        phases.append(Phase("at peak", peak_step, hold_end, "tab:green"))
    if decays:
        phases.append(Phase("decay", hold_end, last, "tab:blue"))
    return phases


def write_png(
    path: str, series: Sequence[Series], phases: Sequence[Phase], title: str, verdicts: Sequence[Verdict] = ()
) -> str | None:
    """Write the chart; return why not when it cannot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return MATPLOTLIB_MISSING
    from PIL import Image  # matplotlib's own dependency

    figure = draw_chart(series, phases, title, verdicts)
    rendered = io.BytesIO()
    try:
        figure.savefig(rendered, format="png", dpi=100, bbox_inches="tight")
    finally:
        plt.close(figure)
    # A chart has few colours: a 256-colour palette halves the file and looks the same.
    image = Image.open(rendered).convert("RGB").quantize(colors=256)
    try:
        image.save(path, format="PNG", optimize=True)
    except OSError as error:
        return f"could not write {path}: {error}"
    return None


def draw_chart(
    series: Sequence[Series], phases: Sequence[Phase], title: str, verdicts: Sequence[Verdict] = ()
) -> Figure:
    """The chart as a matplotlib figure (imported by the caller). One verdict goes in the middle, two left and right."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 4.5))
    for phase in phases:
        axes.axvspan(phase.start, phase.end, color=phase.color, alpha=0.12, linewidth=0, label=phase.label, zorder=1)
    colors = {run: f"C{index}" for index, run in enumerate(dict.fromkeys(one.run for one in series))}
    last_observed = {one.run: one.points[-1] for one in series if one.points and not one.projected}
    for one in series:
        if one.points:
            _draw(axes, one, colors[one.run], last_observed.get(one.run) if one.projected else None)
    lows = [lr for one in series for _, lr in one.points if math.isfinite(lr)]
    # From 0: a flat LR must look flat, not like noise magnified to fill the frame.
    axes.set_ylim(bottom=min([0.0, *lows]))
    axes.margins(x=0.01)
    axes.set_xlabel("optimizer step")
    axes.set_ylabel("learning rate")
    if not verdicts:
        axes.set_title(title)
    else:
        figure.suptitle(title)
        places: list[Literal["left", "center", "right"]] = ["center"] if len(verdicts) == 1 else ["left", "right"]
        for verdict, place in zip(verdicts, places):
            color = "tab:red" if verdict.failed else "tab:green"
            axes.set_title(verdict.text, loc=place, color=color, fontweight="bold")
    axes.grid(alpha=0.3)
    # Outside the frame, so it never hides a curve.
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, fontsize="small")
    figure.tight_layout()
    return figure


def _draw(axes: Axes, one: Series, color: str, start: Point | None) -> None:
    """Observed above projected (zorder), so the steps the script really took stay visible where they overlap.

    A projection is drawn from ``start``, the last observed point, so the two curves join.
    """
    points = [start, *one.points] if start else list(one.points)
    steps, lrs = zip(*points)
    if one.projected:
        axes.plot(steps, lrs, linestyle="--", linewidth=1.5, color=color, label=one.label, zorder=2)
        return
    marker = "o" if len(points) <= MARKED_POINTS else None
    axes.plot(steps, lrs, linewidth=2.2, marker=marker, markersize=2.5, color=color, label=one.label, zorder=3)
