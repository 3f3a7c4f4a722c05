"""From the schedule model to the report: what `warmlint explain` shows of each optimizer.

Everything here is read from `warmlint.analysis.lr_schedule` (T, W, the peak, the curve, its
phases) and the lint engine's findings; nothing is worked out again from the code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from warmlint.analysis.lr_schedule import Schedule, SetterKind, schedule_of, trace_phases
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.phases import Phases
from warmlint.analysis.schedule_length import scheduler_run
from warmlint.analysis.schedules import manual_schedule
from warmlint.analysis.trainer_configs import TrainerConfig, trainer_configs
from warmlint.analysis.units import StepUnit
from warmlint.config import Config
from warmlint.diagnostics import FileResult
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.lint import Locator, check_source, parse
from warmlint.explain.report import (
    Band,
    Curve,
    Expression,
    OptimizerReport,
    Place,
    Report,
    Setter,
    TrainerConfigReport,
)
from warmlint.explain.silence import rule_lines
from warmlint.notebook import NotebookError, is_notebook, read_notebook
from warmlint.plot.png import find_phases
from warmlint.syntax import Unresolved, code_of
from warmlint.verify.static_schedule import StaticSchedule

# Without T, the curve is drawn over this many first steps (and says so).
FIRST_STEPS = 200
# Steps evaluated for the curve: enough for a smooth chart, few enough for a run of millions of steps.
CURVE_POINTS = 600

UNIT_WORDS = {StepUnit.OPTIMIZER_STEP: "optimizer step", StepUnit.EPOCH: "epoch", StepUnit.UNKNOWN: "unknown"}

Locate = Callable[[cst.CSTNode], "Place | None"]


class ExplainError(Exception):
    """The file cannot be explained (not Python, not a notebook); the text names the file and why."""


def explain_source(source: bytes, path: str, config: Config) -> Report:
    """The report on one file's contents. Never imports or runs them."""
    return on_deep_stack(_explain, source, path, config)


def _explain(source: bytes, path: str, config: Config) -> Report:
    place_of = _cell_places(source, path) if is_notebook(path) else None
    result = check_source(source, path, config)
    if result.model is None or result.module is None:
        raise ExplainError(f"{path}: {_unparsable(source, path, result)}")
    model, locator = result.model, Locator(result.module)
    locate = locator_of(locator, place_of)
    optimizers = sorted(model.optimizers, key=lambda o: locator.lines(o.call.node))
    return Report(
        path=path,
        optimizers=tuple(optimizer_report(model, o, locate) for o in optimizers),
        trainer_configs=tuple(_trainer_config(model, c, locate) for c in trainer_configs(model)),
        rules=rule_lines(result, config, locator.lines, locate),
    )


def locator_of(locator: Locator, place_of: Callable[[int], Place] | None = None) -> Locate:
    """A node's place as the report names it: its line, or in a notebook its cell and line."""

    def locate(node: cst.CSTNode) -> Place | None:
        """None for a node the analysis wrote itself (a name it read out of a formula)."""
        try:
            line = locator.lines(node)[0]
        except KeyError:
            return None
        return place_of(line) if place_of is not None else Place(line)

    return locate


def _cell_places(source: bytes, path: str) -> Callable[[int], Place]:
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        raise ExplainError(f"{path}: not a readable notebook: {error.reason}") from None

    def place(module_line: int) -> Place:
        cell, line = notebook.place(module_line)
        return Place(line, cell)

    return place


def _unparsable(source: bytes, path: str, result: FileResult) -> str:
    """The reason `check` gives (WL000), also when the configuration does not select WL000."""
    found = next((d.message for d in result.diagnostics if d.code == "WL000"), None)
    if found is None:
        _, error = parse(source, path)
        found = error.message if error is not None else "cannot parse"
    return found


def optimizer_report(model: Model, optimizer: Optimizer, locate: Locate) -> OptimizerReport:
    """One optimizer's schedule as the report shows it (also the editor's hover)."""
    schedule = schedule_of(model, optimizer)
    base = schedule.base
    base_lr = None
    if base is not None:
        source = optimizer.lr.source if optimizer.lr is not None else ""
        base_lr = Expression(base.text, base.value, locate(base.node), source)
    peak, peak_from = _peak(schedule, locate, base_lr)
    total = schedule.total
    warmup = schedule.warmup
    return OptimizerReport(
        name=optimizer.short_name,
        family=optimizer.family,
        place=locate(optimizer.call.node),
        lifetime=optimizer.lifetime.value,
        training_run=optimizer.lifetime.is_training_run,
        base_lr=base_lr,
        peak_lr=peak,
        peak_from=peak_from,
        setters=_setters(model, schedule, locate),
        unit=UNIT_WORDS[schedule.unit],
        total=(
            Expression(total.text, total.value, locate(total.outer_loop.node), ", ".join(total.sources))
            if total is not None
            else None
        ),
        total_unknown=schedule.total_unknown,
        warmup=(
            Expression(warmup.text, warmup.value, locate(warmup.node) if warmup.node is not None else None)
            if warmup is not None
            else None
        ),
        warmup_unit=UNIT_WORDS[warmup.unit] if warmup is not None and warmup.unit is not None else "",
        curve=_curve(schedule),
        curve_unknown=schedule.curve_unknown,
        escapes=tuple(optimizer.escapes),
    )


def _peak(schedule: Schedule, locate: Locate, base: Expression | None) -> tuple[Expression | None, str]:
    peak = schedule.peak
    if peak is None:
        return None, ""
    if peak is schedule.base:
        return base, "the optimizer's lr"
    if any(peak is w.lr for w in schedule.writes):
        return Expression(peak.text, peak.value, locate(peak.node)), "a param-group write"
    return Expression(peak.text, peak.value, None), "the schedule"


def _setters(model: Model, schedule: Schedule, locate: Locate) -> tuple[Setter, ...]:
    optimizer = schedule.optimizer
    top = iter(s for s in optimizer.schedulers if s.parent is None)
    found = []
    for setter in schedule.setters:
        if setter.kind is SetterKind.SCHEDULER:
            found.append(_scheduler(model, next(top), locate))
            continue
        alone = schedule.curve is not None and len(schedule.setters) == 1
        unit = "optimizer step" if alone else "unknown"  # the model checked that it counts optimizer steps
        if setter.kind is SetterKind.HELPER:
            counter = f", from `{schedule.helper.counter}`" if schedule.helper is not None else ""
            cadence = f"a function of this file writes the LR{counter}"
        else:
            computed = manual_schedule(model, optimizer)
            counter = f" from `{computed.counter}`" if computed is not None else ""
            cadence = f"written by hand into the param groups{counter}"
        found.append(Setter(setter.kind.value, setter.label, locate(setter.node), unit, cadence))
    return tuple(found)


def _scheduler(model: Model, scheduler: Scheduler, locate: Locate) -> Setter:
    steps = tuple(p for c in scheduler.calls_of("step") if (p := locate(c.node)) is not None)
    lightning = None
    if scheduler.lightning_interval is not None and not model.manual_lightning_optimization(scheduler):
        lightning = UNIT_WORDS[scheduler.lightning_interval]
    try:
        run = scheduler_run(model, scheduler)
    except Unresolved as reason:
        if lightning is not None:
            cadence = f"Lightning steps it once per {lightning}; how many times is unknown: {reason}"
            return Setter("scheduler", scheduler.short_name, locate(scheduler.call.node), lightning, cadence, steps)
        cadence = f"how often it is stepped is unknown: {reason}"
        return Setter("scheduler", scheduler.short_name, locate(scheduler.call.node), "unknown", cadence, steps)
    unit = UNIT_WORDS[run.unit]
    if lightning is not None:
        cadence = f"Lightning steps it once per {unit}"
    elif run.relation is None:
        cadence = f"its framework steps it once per {unit}"
    else:
        cadence = f"stepped once per {unit}"
    calls = run.calls
    if calls.text:
        known = calls.value is not None and calls.text != f"{calls.value:g}"
        cadence += f", `{calls.text}`" + (f" (= {calls.value:g})" if known else "") + " times"
    return Setter("scheduler", scheduler.short_name, locate(scheduler.call.node), unit, cadence, steps)


def _curve(schedule: Schedule) -> Curve | None:
    curve = schedule.curve
    if curve is None:
        return None
    total = schedule.total
    known = total is not None and total.value is not None and total.value >= 1
    span = int(total.value) if known and total is not None and total.value is not None else FIRST_STEPS
    found: Phases | None = schedule.phases if known else trace_phases(curve, span)
    steps = _steps(span, found)
    points = tuple((step + 1, _lr(curve, step)) for step in steps)
    warmup = schedule.warmup.described if schedule.warmup is not None else None
    scheduled = all(setter.kind is SetterKind.SCHEDULER for setter in schedule.setters)
    summary = StaticSchedule(schedule.optimizer.short_name, curve, "", found, warmup, scheduled).summary()
    return Curve(
        points=points,
        whole_run=known,
        summary=summary if known else f"{summary} (over the first {span} steps: T is unknown)",
        bands=tuple(Band(p.label, p.start, p.end) for p in find_phases(list(points))),
        warmup=found is not None and found.warmup,
        decays=found is not None and found.decays,
        constant_tail=found is not None and found.constant_tail,
        jump_at=found.jump[0] + 1 if found is not None and found.jump is not None else None,
        restart_at=found.restart[1][0] + 1 if found is not None and found.restart is not None else None,
    )


def _steps(span: int, found: Phases | None) -> list[int]:
    """0-based steps: evenly over the run, plus the steps where the phases change."""
    count = min(span, CURVE_POINTS)
    evenly = {round(index * (span - 1) / max(1, count - 1)) for index in range(count)}
    marks = {0, span - 1}
    if found is not None:
        marks |= {found.peak_step - 1, found.peak_step, found.end_step}
    return sorted(s for s in evenly | marks if 0 <= s < span)


def _lr(curve: Callable[[int], float], step: int) -> float:
    try:
        return float(curve(step))
    except (ArithmeticError, ValueError, TypeError):
        return math.nan


def _trainer_config(model: Model, config: TrainerConfig, locate: Locate) -> TrainerConfigReport:
    lr = config.learning_rate
    learning_rate = None
    if lr is not None:
        written = config.settings.get("learning_rate")
        code = code_of(written.expr) if written is not None else f"{lr.number:g}"
        node = config.learning_rate_at
        learning_rate = Expression(code, lr.number, locate(node) if node is not None else None, lr.source)
    warmup = [
        f"{key}={code_of(config.settings[key].expr)}"
        for key in ("warmup_steps", "warmup_ratio")
        if key in config.settings
    ]
    return TrainerConfigReport(
        place=locate(config.node),
        learning_rate=learning_rate,
        schedule=config.schedule,
        warmup=" and ".join(warmup),
        from_defaults=config.from_defaults,
    )


def explain_path(path: Path, config: Config) -> Report:
    try:
        source = path.read_bytes()
    except OSError as error:
        raise ExplainError(f"{path}: cannot read it: {error.strerror or error}") from None
    return explain_source(source, str(path), config)
