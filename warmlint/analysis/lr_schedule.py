"""The schedule of one optimizer: the one answer to "what is the LR at step s of this run?".

Computed once per optimizer, lazily (`schedule_of`), from the model's facts: the LR the optimizer
is built with, the LRs the code writes into its param groups before and after the warmup, what
sets the LR over time (schedulers, writes, helpers), the unit each is stepped in, the run length
`T` and the warmup length `W` as the script writes them, and, where the formula is known, the LR
at every optimizer step with its phases (`warmlint.analysis.phases`). Rules, fixes and `verify`
read these facts here instead of working them out again from the code.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from warmlint.analysis.catalog import WARM_WORD
from warmlint.analysis.evaluate import sample_steps
from warmlint.analysis.facts import LrWrite, ScopeId
from warmlint.analysis.model import Model, Optimizer, Scheduler, call_argument
from warmlint.analysis.phases import Phases, at_peak, phases
from warmlint.analysis.run_length import RunLength, run_length
from warmlint.analysis.schedule_length import scheduler_run
from warmlint.analysis.scheduler_curves import factor_of, guarded
from warmlint.analysis.schedules import HelperSchedule, helper_schedule, manual_schedule
from warmlint.analysis.units import StepUnit
from warmlint.analysis.warmup_length import WarmupLength, warmup_length
from warmlint.analysis.warmup_phase import (
    branch_phase,
    comparison_bound,
    mentions_warm,
    structural_signal,
    warmup_bound,
)
from warmlint.syntax import Unresolved, code_of

LrCurve = Callable[[int], float]


class SetterKind(enum.Enum):
    SCHEDULER = "scheduler"
    PARAM_GROUP_WRITE = "param-group write"
    HELPER = "helper call"


class WritePhase(enum.Enum):
    """Where a constant LR write sits in the run."""

    WARMUP = "during the warmup"
    AFTER_WARMUP = "after the warmup"
    UNRELATED = "not tied to a warmup"


@dataclass(frozen=True)
class LrValue:
    """An LR as a number and as the script writes it."""

    value: float
    text: str
    node: cst.CSTNode = field(repr=False)
    scope: ScopeId = field(repr=False)


@dataclass(frozen=True)
class Setter:
    kind: SetterKind
    node: cst.CSTNode = field(repr=False)
    label: str  # `LambdaLR`, `g["lr"] = lr`, `adjust_learning_rate()`


@dataclass(frozen=True)
class ConstantWrite:
    write: LrWrite = field(repr=False)
    lr: LrValue
    phase: WritePhase


@dataclass(frozen=True)
class Schedule:
    optimizer: Optimizer = field(repr=False)
    base: LrValue | None  # the LR the optimizer is built with
    writes: tuple[ConstantWrite, ...]  # constant LRs written into its param groups
    setters: tuple[Setter, ...]
    unit: StepUnit  # of its (one) top-level scheduler; UNKNOWN when there is none or several
    total: RunLength | None  # T, in optimizer steps
    total_unknown: str  # why T is None
    warmup: WarmupLength | None  # W as the script writes it, where it has one
    curve: LrCurve | None = field(repr=False)  # the LR at optimizer step s (0-based)
    curve_unknown: str  # why there is no curve
    phases: Phases | None  # of the curve over the run, when both are known
    # The LR a helper writes per call (`adjust_learning_rate(optimizer, epoch, args)`), in its
    # loop's counter: known even where the steps per epoch are not.
    helper: HelperSchedule | None = None

    @property
    def alone(self) -> bool:
        """One thing sets the LR and nothing the analysis cannot see touches the optimizer."""
        return len(self.setters) == 1 and not self.optimizer.escapes

    @property
    def peak(self) -> LrValue | None:
        """The largest LR the run reaches: the base, a written constant, or the curve's peak."""
        candidates = [v for v in (self.base, *(w.lr for w in self.writes)) if v is not None]
        top = max(candidates, key=lambda v: v.value, default=None)
        if self.phases is not None and self.base is not None and (top is None or self.phases.peak > top.value):
            return LrValue(self.phases.peak, f"{self.phases.peak:g}", self.base.node, self.base.scope)
        return top

    @property
    def target(self) -> LrValue | None:
        """The LR the run trains at once its warmup is over: what a fix must keep."""
        after = [w.lr for w in self.writes if w.phase is WritePhase.AFTER_WARMUP]
        if after:
            return max(after, key=lambda v: v.value)
        return self.peak

    @property
    def warmup_lr(self) -> LrValue | None:
        """The constant LR of a constant warmup: written during it, or the base when only the
        writes after it change the LR."""
        during = [w.lr for w in self.writes if w.phase is WritePhase.WARMUP]
        if during:
            return min(during, key=lambda v: v.value)
        if any(w.phase is WritePhase.AFTER_WARMUP for w in self.writes):
            return self.base
        return None

    def lr_at(self, step: int) -> float | None:
        return self.curve(step) if self.curve is not None else None


def schedule_of(model: Model, optimizer: Optimizer) -> Schedule:
    """The optimizer's schedule, computed on first use and then kept on the model."""
    found = model.schedules.get(id(optimizer))
    if found is None:
        found = _build(model, optimizer)
        model.schedules[id(optimizer)] = found
    return found


def _build(model: Model, optimizer: Optimizer) -> Schedule:
    base = _base_lr(model, optimizer)
    writes = tuple(_constant_writes(model, optimizer))
    top = [s for s in optimizer.schedulers if s.parent is None]
    setters = tuple(
        [Setter(SetterKind.SCHEDULER, s.call.node, s.short_name) for s in top]
        + [Setter(SetterKind.PARAM_GROUP_WRITE, w.node, code_of(w.node)) for w in optimizer.lr_writes]
        + [Setter(SetterKind.HELPER, c.node, f"{c.callee}()") for c in optimizer.schedule_helpers]
    )
    total, total_unknown = _total(model, optimizer)
    unit = _unit(model, top)
    curve, curve_unknown = _curve(model, optimizer, base, top, unit, setters)
    found = None
    if curve is not None and total is not None and total.value is not None and total.value >= 1:
        found = trace_phases(curve, int(total.value))
    warmup = _warmup(model, optimizer, top)
    if warmup is None and found is not None and found.warmup:  # a warmup the code writes as a formula
        warmup = WarmupLength(str(found.peak_step), found.peak_step, StepUnit.OPTIMIZER_STEP)
    return Schedule(
        optimizer=optimizer,
        base=base,
        writes=writes,
        setters=setters,
        unit=unit,
        total=total,
        total_unknown=total_unknown,
        warmup=warmup,
        curve=curve,
        curve_unknown=curve_unknown,
        phases=found,
        helper=helper_schedule(model, optimizer) if optimizer.lr_writes and not top else None,
    )


def trace_phases(curve: LrCurve, total: int) -> Phases | None:
    """The phases of the LR over the run's optimizer steps 0 .. T-1, sampled, with the exact first
    step at the peak (a warmup's end can fall between two samples)."""
    steps = sample_steps(max(0, total - 1))
    values = [(s, curve(s)) for s in steps]
    rough = phases(values)
    if rough is None:
        return None
    index = next(i for i, (_, lr) in enumerate(values) if at_peak(lr, rough.peak))
    low, high = (values[index - 1][0], values[index][0]) if index else (0, 0)
    while high - low > 1:
        middle = (low + high) // 2
        if at_peak(curve(middle), rough.peak):
            high = middle
        else:
            low = middle
    if high >= 1:
        values = sorted((dict(values) | {high: curve(high), high - 1: curve(high - 1)}).items())
    return phases(values)


def _base_lr(model: Model, optimizer: Optimizer) -> LrValue | None:
    expr = call_argument(optimizer.call.node, "lr", 1)
    if expr is None or optimizer.lr is None:
        return None
    return LrValue(optimizer.lr.number, code_of(expr), expr, optimizer.call.scope)


def _constant_writes(model: Model, optimizer: Optimizer):
    for write in optimizer.lr_writes:
        if write.augmented:
            continue
        value = model.resolver.number(write.value, write.scope)
        if value is None:
            continue
        yield ConstantWrite(
            write, LrValue(value.number, code_of(write.value), write.value, write.scope), _phase(model, write)
        )


def _phase(model: Model, write: LrWrite) -> WritePhase:
    for branch in write.branches:
        if branch_phase(model, branch) is False:
            return WritePhase.AFTER_WARMUP
    if structural_signal(model, write) or mentions_warm(model, write.value):
        return WritePhase.WARMUP
    return WritePhase.UNRELATED


def _total(model: Model, optimizer: Optimizer) -> tuple[RunLength | None, str]:
    if not optimizer.steps:
        return None, "nothing in the file calls its step()"
    try:
        return run_length(model, optimizer), ""
    except Unresolved as reason:
        return None, str(reason)


def _unit(model: Model, top: list[Scheduler]) -> StepUnit:
    if len(top) != 1:
        return StepUnit.UNKNOWN
    try:
        run = scheduler_run(model, top[0])
    except Unresolved:
        return StepUnit.UNKNOWN
    return run.unit


def _curve(
    model: Model,
    optimizer: Optimizer,
    base: LrValue | None,
    top: list[Scheduler],
    unit: StepUnit,
    setters: tuple[Setter, ...],
) -> tuple[LrCurve | None, str]:
    if optimizer.escapes:
        return None, f"the optimizer is {optimizer.escapes[0]}"
    if base is None:
        return None, "the optimizer's lr does not resolve"
    if not setters:
        lr = base.value
        return (lambda step: lr), ""
    if optimizer.lr_writes and not top and not optimizer.schedule_helpers:
        return _manual_curve(model, optimizer, base)
    if len(setters) != 1 or len(top) != 1:
        return None, "several things set its LR"
    if unit is not StepUnit.OPTIMIZER_STEP:
        return None, f"{top[0].short_name} is not stepped once per optimizer step"
    try:
        factor = factor_of(model, top[0], base.value)
        start = _resumed_at(model, top[0])
    except Unresolved as reason:
        return None, str(reason)
    lr = base.value
    return (lambda step: lr * factor(step + start)), ""


def _resumed_at(model: Model, scheduler: Scheduler) -> int:
    """The scheduler call the run's first step uses: `last_epoch=k` rebuilds a schedule at call
    k + 1 (a resumed run), the default -1 at call 0."""
    written = call_argument(scheduler.call.node, "last_epoch")
    if written is None:
        return 0
    value = model.resolver.number(written, scheduler.call.scope)
    if value is None or value.number != int(value.number) or value.number < -1:
        raise Unresolved(f"{scheduler.short_name} resumes at `last_epoch={code_of(written)}`, which does not resolve")
    return int(value.number) + 1


def _manual_curve(model: Model, optimizer: Optimizer, base: LrValue) -> tuple[LrCurve | None, str]:
    jump = _constant_then_target(model, optimizer, base)
    if jump is not None:
        return jump, ""
    computed = manual_schedule(model, optimizer)
    if computed is None:
        return None, "its param-group writes are not one expression of the loop counter"
    if any(computed.counter in code_of(branch.test) for branch in computed.write.branches):
        return None, f"the LR is written only under a condition on `{computed.counter}`"
    if not _counts_optimizer_steps(model, optimizer, computed.write):
        return None, f"`{computed.counter}` is not a count of the optimizer's steps"
    return guarded(computed.schedule.function), ""


def _constant_then_target(model: Model, optimizer: Optimizer, base: LrValue) -> LrCurve | None:
    """A constant warmup: one LR until step W (the base, or a constant written during the warmup),
    then the constant written after it."""
    writes = list(_constant_writes(model, optimizer))
    if len(writes) != len(optimizer.lr_writes) or not any(w.phase is WritePhase.AFTER_WARMUP for w in writes):
        return None
    if any(w.phase is WritePhase.UNRELATED for w in writes):
        return None
    length = _warmup(model, optimizer, [])
    if length is None or length.value is None:
        return None
    during = [w.lr.value for w in writes if w.phase is WritePhase.WARMUP] or [base.value]
    after = [w.lr.value for w in writes if w.phase is WritePhase.AFTER_WARMUP]
    if len(set(during)) != 1 or len(set(after)) != 1:
        return None
    low, high, end = during[0], after[0], length.value
    return lambda step: low if step < end else high


def _counts_optimizer_steps(model: Model, optimizer: Optimizer, write: LrWrite) -> bool:
    """The write's loop is the one every optimizer.step() runs in, once per pass, and its counter
    starts at 0 (`for step in range(N)`, `for step, batch in enumerate(loader)`)."""
    loops = [i for i in write.loops if "param_groups" not in model.raw.loops[i].iter_text]
    if not loops:
        return False
    loop = model.raw.loops[loops[-1]]
    iterable = loop.node.iter if isinstance(loop.node, cst.For) else None
    if not isinstance(iterable, cst.Call) or code_of(iterable.func) not in ("range", "enumerate"):
        return False
    if code_of(iterable.func) == "range" and len(iterable.args) != 1:
        return False
    return all(
        site.scope == write.scope and site.loops == tuple(loops) and not site.branches for site in optimizer.steps
    )


def _warmup(model: Model, optimizer: Optimizer, top: list[Scheduler]) -> WarmupLength | None:
    """W as the script writes it: the scheduler's warmup, or the bound of the manual warmup's branch."""
    if len(top) == 1:
        return warmup_length(model, top[0])
    for write in optimizer.lr_writes:
        bound = warmup_bound(model, write)
        if bound is not None:
            return _written_length(model, bound, write.scope)
    computed = manual_schedule(model, optimizer) if optimizer.lr_writes else None
    if computed is None:
        return None
    node, scope = computed.schedule.node, computed.schedule.function.free_scope
    if isinstance(node, cst.Lambda) and isinstance(node.body, cst.IfExp):  # `low if step < W else high`
        bound = comparison_bound(model, node.body.test)
        if bound is not None:
            return _written_length(model, bound, scope)
    named = [n for n in computed.schedule.function.free_names() if WARM_WORD.search(n)]
    if len(named) == 1:  # `base * min(1, (step + 1) / warmup)`
        return _written_length(model, cst.parse_expression(named[0]), scope)
    return None


def _written_length(model: Model, bound: cst.BaseExpression, scope: ScopeId) -> WarmupLength:
    value = model.resolver.number(bound, scope)
    return WarmupLength(code_of(bound), value.number if value else None, StepUnit.OPTIMIZER_STEP, bound)
