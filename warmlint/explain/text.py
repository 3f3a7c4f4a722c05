"""`warmlint explain` as text: each optimizer's schedule with its curve, then one line per rule."""

from __future__ import annotations

from warmlint.explain.report import (
    Curve,
    Expression,
    OptimizerReport,
    Report,
    RuleLine,
    RuleStatus,
    TrainerConfigReport,
)
from warmlint.plot.terminal import Series, render_chart

# The chart marks each phase with its own character; the names are the bands `verify --plot` shades.
BAND_MARKS = {"warmup": "/", "at peak": "=", "decay": "\\"}
WIDTH = 11  # of the labels in front of each fact


def render_text(report: Report) -> str:
    lines = [f"warmlint explain {report.path}", ""]
    for optimizer in report.optimizers:
        lines += _optimizer(report.path, optimizer) + [""]
    for config in report.trainer_configs:
        lines += _trainer_config(report.path, config) + [""]
    if not report.optimizers and not report.trainer_configs:
        lines += ["no optimizer and no Trainer config: nothing in the file builds one", ""]
    lines.append("rules")
    for rule in report.rules:
        lines += _rule(report.path, rule)
    return "\n".join(lines)


def _fact(label: str, text: str) -> str:
    return f"  {label:<{WIDTH}}{text}"


def _expression(path: str, found: Expression, unit: str = "") -> str:
    known = found.value is not None and found.code != f"{found.value:g}"
    text = f"`{found.code}` (= {found.value:g})" if known and found.value is not None else f"`{found.code}`"
    text += f" {unit}" if unit else ""
    if found.value is None:
        text += " (does not resolve to a number)"
    if found.place is not None:
        text += f" at {found.place}"
    if found.source and not found.source.isidentifier():  # a flag's default, not a name already shown
        text += f" (from {found.source})"
    return text


def _optimizer(path: str, o: OptimizerReport) -> list[str]:
    where = f" at {o.place.where(path)}" if o.place is not None else ""
    run = "a training run" if o.training_run else "not a training run"
    lines = [f"{o.name}{where} ({o.family} family): {run}, {o.lifetime}"]
    if o.peak_lr is not None:
        assert o.peak_lr.value is not None
        lines.append(_fact("peak LR", f"{o.peak_lr.value:g} from {o.peak_from}: {_expression(path, o.peak_lr)}"))
        if o.peak_from == "the schedule" and o.base_lr is not None:
            lines.append(_fact("built with", f"lr {_expression(path, o.base_lr)}"))
    else:
        lines.append(_fact("peak LR", "unknown: its lr does not resolve"))
    if not o.setters:
        lines.append(_fact("set by", "nothing: the LR stays at the optimizer's lr"))
    for index, setter in enumerate(o.setters):
        steps = ", ".join(str(p) for p in setter.steps)
        stepped = f"; step() at {steps}" if steps else ""
        at = f" at {setter.place}" if setter.place is not None else ""
        text = f"{setter.kind} {setter.label}{at}: {setter.cadence}{stepped}"
        lines.append(_fact("set by" if index == 0 else "", text))
    if o.setters:
        lines.append(_fact("unit", o.unit if o.unit != "unknown" else _units(o)))
    if o.total is not None:
        lines.append(_fact("T", _expression(path, o.total, "optimizer steps")))
    else:
        lines.append(_fact("T", f"unknown: {o.total_unknown}"))
    if o.warmup is not None:
        lines.append(_fact("W", _expression(path, o.warmup, f"{o.warmup_unit}s" if o.warmup_unit else "")))
    else:
        lines.append(_fact("W", "none written"))
    for escape in o.escapes:
        lines.append(_fact("note", f"the optimizer is {escape}"))
    if o.curve is None:
        lines.append(_fact("curve", f"unknown: {o.curve_unknown}"))
        return lines
    lines += _curve(o.curve)
    return lines


def _units(o: OptimizerReport) -> str:
    """The unit the setters share, else the unit of each."""
    units = dict.fromkeys(s.unit for s in o.setters)
    return next(iter(units)) if len(units) == 1 else "; ".join(f"{s.label}: {s.unit}" for s in o.setters)


def _curve(curve: Curve) -> list[str]:
    lines = [_fact("curve", curve.summary)]
    if curve.bands:
        lines.append(_fact("phases", ", ".join(f"{b.name} steps {b.first_step}-{b.last_step}" for b in curve.bands)))
    else:
        lines.append(_fact("phases", "none: the LR is the same at every step"))
    if curve.jump_at is not None:
        lines.append(_fact("", f"the LR jumps to its peak at step {curve.jump_at}"))
    if curve.restart_at is not None:
        lines.append(_fact("", f"the LR climbs back up at step {curve.restart_at}"))
    chart = render_chart(chart_series(curve))
    return lines + [""] + [f"    {line}".rstrip() for line in chart.splitlines()]


def chart_series(curve: Curve) -> list[Series]:
    """One series per phase, so the chart marks where each starts; a curve without phases is one series."""
    if not curve.bands:
        return [Series("lr", "*", curve.points)]
    series = []
    for index, band in enumerate(curve.bands):
        last = index == len(curve.bands) - 1
        points = [
            (step, lr)
            for step, lr in curve.points
            if band.first_step <= step and (step < band.last_step or (last and step <= band.last_step))
        ]
        if points:
            series.append(Series(band.name, BAND_MARKS.get(band.name, "*"), points))
    return series


def _trainer_config(path: str, config: TrainerConfigReport) -> list[str]:
    where = f" at {config.place.where(path)}" if config.place is not None else ""
    kind = "a config class's defaults" if config.from_defaults else "a config call's keywords"
    lines = [f"Trainer config{where} ({kind}): the Trainer builds the optimizer and its schedule"]
    rate = _expression(path, config.learning_rate) if config.learning_rate is not None else "not set or unknown"
    lines.append(_fact("lr", rate))
    lines.append(_fact("schedule", f'lr_scheduler_type="{config.schedule}"' if config.schedule else "unknown"))
    lines.append(_fact("warmup", config.warmup or "none written"))
    return lines


def _rule(path: str, rule: RuleLine) -> list[str]:
    head = f"  {rule.code} {rule.name}: "
    if rule.status is not RuleStatus.FOUND:
        return [f"{head}suppressed: {rule.reason}" if rule.status is RuleStatus.SUPPRESSED else f"{head}{rule.reason}"]
    first, *others = rule.findings
    lines = [f"{head}found: {first.place.where(path)}: {first.message}"]
    lines += [f"{' ' * len(head)}found: {f.place.where(path)}: {f.message}" for f in others]
    return lines


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(curve: Curve, width: int = 40) -> str:
    """The curve on one line: the LR at `width` evenly spread steps, from 0 (lowest block) to the peak."""
    points = [(step, lr) for step, lr in curve.points if lr == lr]  # NaN never equals itself
    if not points:
        return ""
    top = max(lr for _, lr in points) or 1.0
    first, last = points[0][0], points[-1][0]
    cells = []
    for index in range(width):
        wanted = first + (last - first) * index / max(1, width - 1)
        _, lr = min(points, key=lambda p: abs(p[0] - wanted))
        cells.append(SPARKS[max(0, min(len(SPARKS) - 1, round(lr / top * (len(SPARKS) - 1))))])
    return "".join(cells)


def summary_markdown(o: OptimizerReport) -> str:
    """The editor's hover on an optimizer or a scheduler: `explain`'s facts in a few lines."""
    run = "a training run" if o.training_run else f"not a training run: {o.lifetime}"
    lines = [f"**{o.name}** ({o.family} family): {run}", ""]
    if o.peak_lr is not None and o.peak_lr.value is not None:
        lines.append(f"- peak LR: {o.peak_lr.value:g} from {o.peak_from} (`{o.peak_lr.code}`)")
    if o.setters:
        lines.append("- set by: " + "; ".join(f"{s.label} ({s.cadence})" for s in o.setters))
        lines.append(f"- unit: {o.unit if o.unit != 'unknown' else _units(o)}")
    else:
        lines.append("- set by: nothing, the LR stays at the optimizer's lr")
    lines.append("- T: " + (_markdown(o.total, "optimizer steps") if o.total else f"unknown: {o.total_unknown}"))
    lines.append("- W: " + (_markdown(o.warmup, f"{o.warmup_unit}s" if o.warmup_unit else "") if o.warmup else "none"))
    if o.curve is None:
        lines.append(f"- curve: unknown: {o.curve_unknown}")
    else:
        lines += [f"- curve: {o.curve.summary}", "", f"`{sparkline(o.curve)}`"]
    return "\n".join(lines)


def _markdown(found: Expression, unit: str) -> str:
    known = found.value is not None and found.code != f"{found.value:g}"
    value = f" (= {found.value:g})" if known and found.value is not None else ""
    resolved = "" if found.value is not None else " (does not resolve to a number)"
    return f"`{found.code}`{value} {unit}{resolved}".replace("  ", " ").rstrip()
