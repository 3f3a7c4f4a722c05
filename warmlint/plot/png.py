"""``--plot out.png``: the LR curves as an image, warmup and decay shaded; matplotlib is optional."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from warmlint.plot.points import Point, peak
from warmlint.plot.terminal import Series

MATPLOTLIB_MISSING = "--plot needs matplotlib, which is not installed: pip install 'warmlint[plot]'"


@dataclass(frozen=True)
class Phase:
    label: str
    start: int
    end: int
    color: str


def find_phases(points: list[Point]) -> list[Phase]:
    """Warmup: step 1 up to the first peak. Decay: from where the LR first leaves the peak to the end."""
    top = peak(points)
    if top is None:
        return []
    phases = []
    peak_step, peak_lr = top
    if peak_step > points[0][0]:
        phases.append(Phase("warmup", points[0][0], peak_step, "tab:orange"))
    after_peak = points[points.index(top) :]
    leaves = next((step for step, lr in after_peak if lr < peak_lr), None)
    if leaves is not None:
        phases.append(Phase("decay", leaves, points[-1][0], "tab:blue"))
    return phases


def write_png(path: str, series: Sequence[Series], phases: Sequence[Phase], title: str) -> str | None:
    """Write the chart; return why not when it cannot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return MATPLOTLIB_MISSING
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for phase in phases:
        axes.axvspan(phase.start, phase.end, color=phase.color, alpha=0.12, label=phase.label)
    colors = {run: f"C{index}" for index, run in enumerate(dict.fromkeys(one.run for one in series))}
    for one in series:
        if one.points:
            steps, lrs = zip(*one.points)
            style = "--" if one.projected else "-"
            axes.plot(steps, lrs, linestyle=style, linewidth=1.5, color=colors[one.run], label=one.label)
    axes.set_xlabel("optimizer step")
    axes.set_ylabel("learning rate")
    axes.set_title(title)
    axes.legend(loc="best", fontsize="small")
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=120)
    except OSError as error:
        return f"could not write {path}: {error}"
    finally:
        plt.close(figure)
    return None
