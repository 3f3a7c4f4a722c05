"""How long a schedule is built to last, and how many times the run steps it.

A schedule has its own horizon, counted in step() calls: CosineAnnealingLR's `T_max`,
OneCycleLR's `total_steps` (or `epochs * steps_per_epoch`), the `num_training_steps` of a
transformers factory. The run steps it once per optimizer step or once per epoch, a number of
times that follows from the loops around its one step() call, or, for a scheduler returned to
Lightning, from the Trainer's `max_steps` / `max_epochs`. The WL009-WL013 rules compare the two;
both are numbers only when every part resolves, and a rule stays silent otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.accumulation import accumulation_guard
from warmlint.analysis.facts import CallSite
from warmlint.analysis.model import Model, Scheduler, call_argument
from warmlint.analysis.run_length import site_length
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.stepping import StepRelation, relation, scheduler_step_sites
from warmlint.analysis.units import StepUnit
from warmlint.syntax import Unresolved, code_of, parenthesized

_TRAINERS = {
    "lightning.Trainer",
    "lightning.pytorch.Trainer",
    "lightning.pytorch.trainer.Trainer",
    "pytorch_lightning.Trainer",
    "pytorch_lightning.trainer.Trainer",
}


@dataclass(frozen=True)
class Length:
    """A count as the script writes it (valid where the scheduler is built), and its value."""

    text: str
    value: float | None

    def __str__(self) -> str:
        known = self.value is not None and self.text != f"{self.value:g}"
        return f"`{self.text}` (= {self.value:g})" if known else f"{self.amount}"

    @property
    def amount(self) -> str:
        return f"{self.value:g}" if self.value is not None else f"`{self.text}`"


@dataclass(frozen=True)
class Horizon:
    """How many step() calls a scheduler is built for, and the arguments that say so."""

    kind: str  # "T_max", "total_steps", "epochs * steps_per_epoch" or "num_training_steps"
    length: Length
    arguments: tuple[cst.BaseExpression, ...]


@dataclass(frozen=True)
class SchedulerRun:
    """How the run steps a (top-level) scheduler: in which unit, and how many times in all."""

    unit: StepUnit
    calls: Length
    relation: StepRelation | None = None  # None when Lightning steps it


def _length(model: Model, expr: cst.BaseExpression, scope) -> Length:
    value = model.resolver.number(expr, scope)
    return Length(code_of(expr), value.number if value else None)


def horizon(model: Model, scheduler: Scheduler) -> Horizon | None:
    """The horizon written in the scheduler's construction, when it has one."""
    kind, scope = SchedulerKind.of(scheduler), scheduler.call.scope
    node = scheduler.call.node
    if kind is SchedulerKind.COSINE:
        expr = call_argument(node, "T_max", 1)
        return Horizon("T_max", _length(model, expr, scope), (expr,)) if expr is not None else None
    if kind is SchedulerKind.ONE_CYCLE:
        total = call_argument(node, "total_steps", 2)
        if total is not None:
            return Horizon("total_steps", _length(model, total, scope), (total,))
        epochs, per_epoch = call_argument(node, "epochs", 3), call_argument(node, "steps_per_epoch", 4)
        if epochs is None or per_epoch is None:
            return None
        a, b = _length(model, epochs, scope), _length(model, per_epoch, scope)
        value = a.value * b.value if a.value is not None and b.value is not None else None
        text = f"{parenthesized(a.text)} * {parenthesized(b.text)}"
        return Horizon("epochs * steps_per_epoch", Length(text, value), (epochs, per_epoch))
    if scheduler.is_warmup_factory:
        expr = call_argument(node, "num_training_steps", 2)
        return Horizon("num_training_steps", _length(model, expr, scope), (expr,)) if expr is not None else None
    return None


def scheduler_run(model: Model, scheduler: Scheduler) -> SchedulerRun:
    """How the run steps the scheduler (or the SequentialLR/ChainedScheduler that drives it).

    Raises Unresolved when the unit or the count cannot be established.
    """
    top = scheduler.parent or scheduler
    optimizer = top.optimizer
    if optimizer is None or not optimizer.lifetime.is_training_run:
        raise Unresolved("the scheduler's optimizer is not a training run of this file")
    if top.lightning_interval is not None:
        return _lightning_run(model, top)
    sites = scheduler_step_sites(top)
    if len(sites) != 1:
        raise Unresolved(f"{top.short_name}.step() is called in {len(sites) or 'no'} places")
    site = sites[0]
    found = relation(model, top, site)
    if found is None:
        raise Unresolved(f"cannot tell how {top.short_name}.step() relates to optimizer.step()")
    guard = accumulation_guard(site)
    if any(guard is None or branch.test is not guard.test for branch in site.branches):
        raise Unresolved(f"{top.short_name}.step() runs under a condition")
    if found.unit is StepUnit.OPTIMIZER_STEP and any(_outside_guard(site, step) for step in optimizer.steps):
        raise Unresolved(f"{top.short_name}.step() runs on every micro-batch of an accumulated update")
    calls = site_length(model, site, top.call.scope)
    return SchedulerRun(found.unit, Length(calls.text, calls.value), found)


def _outside_guard(site: CallSite, step: CallSite) -> bool:
    """The scheduler steps in the loop of an optimizer.step() that runs only under an accumulation guard."""
    guard = accumulation_guard(step)
    return guard is not None and site.scope == step.scope and site.loops == step.loops and not guard.encloses(site)


def _lightning_run(model: Model, scheduler: Scheduler) -> SchedulerRun:
    """Lightning steps it every optimizer step (`"interval": "step"`) or every epoch, up to the
    Trainer's `max_steps` or `max_epochs`; only one of the two may be given."""
    if model.manual_lightning_optimization(scheduler):
        raise Unresolved("the LightningModule steps its schedulers itself")
    trainers = [c for c in model.raw.calls if model.qualified(c) in _TRAINERS]
    if len(trainers) != 1:
        raise Unresolved(f"the file builds {len(trainers) or 'no'} Lightning Trainers")
    trainer = trainers[0]
    limits = {key: call_argument(trainer.node, key) for key in ("max_steps", "max_epochs")}
    given = {key: expr for key, expr in limits.items() if expr is not None}
    wanted = "max_steps" if scheduler.lightning_interval is StepUnit.OPTIMIZER_STEP else "max_epochs"
    if set(given) != {wanted}:
        raise Unresolved(f"the Trainer does not set only {wanted}")
    calls = _length(model, given[wanted], trainer.scope)
    if trainer.scope != scheduler.call.scope:
        calls = Length(f"{calls.value:g}", calls.value) if calls.value is not None else calls
    return SchedulerRun(scheduler.lightning_interval or StepUnit.EPOCH, calls)


def covered(model: Model, scheduler: Scheduler, run: SchedulerRun) -> Length:
    """The scheduler calls one schedule is in charge of: all of them, or its stretch of a SequentialLR."""
    parent = scheduler.parent
    if parent is None or SchedulerKind.of(parent) is not SchedulerKind.SEQUENTIAL:
        return run.calls
    milestones = parent.argument("milestones", 2)
    if not isinstance(milestones, (cst.List, cst.Tuple)) or len(milestones.elements) != len(parent.children) - 1:
        raise Unresolved("the SequentialLR milestones cannot be read")
    index = parent.children.index(scheduler)
    marks = [_length(model, e.value, parent.call.scope) for e in milestones.elements]
    end = marks[index] if index < len(marks) else run.calls
    if index == 0:
        return end
    start = marks[index - 1]
    value = end.value - start.value if end.value is not None and start.value is not None else None
    return Length(f"{parenthesized(end.text)} - {parenthesized(start.text)}", value)


def steps_stepped_per_epoch(scheduler: Scheduler, cycle: Horizon, span: Length) -> bool:
    """A horizon counted in optimizer steps on a scheduler Lightning steps once per epoch (returned
    without `"interval": "step"`): the interval is what is wrong, not the horizon. A horizon counts
    steps when it is built from a per-epoch step count, names steps, or is longer than the epochs."""
    if scheduler.lightning_interval is not StepUnit.EPOCH or scheduler.parent is not None:
        return False
    if cycle.kind == "epochs * steps_per_epoch":
        return True
    words = cycle.length.text.lower()
    if "epoch" in words:
        return False
    if any(word in words for word in ("step", "iter", "batch")):
        return True
    return cycle.length.value is not None and span.value is not None and cycle.length.value > span.value
