"""`warmlint explain --plot out.png`: every optimizer's static curve, its phases shaded as `verify --plot` does."""

from __future__ import annotations

from warmlint.explain.report import Report
from warmlint.plot.png import find_phases, write_png
from warmlint.plot.terminal import Series


def plot_report(report: Report, path: str) -> str | None:
    """Write the PNG; return why not when it cannot (no curve to draw, matplotlib missing, a bad path)."""
    drawn = [o for o in report.optimizers if o.curve is not None]
    if not drawn:
        return f"{report.path}: no optimizer with a known LR curve to plot"
    series = [Series(f"{o.name} (static)", "*", o.curve.points, run=o.name) for o in drawn if o.curve is not None]
    first = drawn[0].curve
    assert first is not None
    return write_png(path, series, find_phases(list(first.points)), f"warmlint explain {report.path}")
