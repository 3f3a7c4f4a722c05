"""The LR factor of a scheduler after `n` of its step() calls, for the schedulers whose formula is known.

torch's closed forms (LambdaLR with a function in the file, LinearLR, ConstantLR, StepLR,
MultiStepLR, ExponentialLR, CosineAnnealingLR, PolynomialLR, SequentialLR of those) and the
Hugging Face warmup factories. Each gives the LR as a multiple of the optimizer's initial LR, the
way the scheduler computes it; every argument must resolve to a number, or there is no curve and
the reason says which argument did not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.evaluate import Unsupported
from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.syntax import Unresolved, code_of

Factor = Callable[[int], float]


@dataclass(frozen=True)
class _Arguments:
    model: Model
    scheduler: Scheduler

    def number(self, keyword: str, position: int, default: float | None = None) -> float:
        expr = self.scheduler.argument(keyword, position)
        if expr is None:
            if default is None:
                raise Unresolved(f"{self.scheduler.short_name} has no `{keyword}`")
            return default
        value = self.model.resolver.number(expr, self.scheduler.call.scope)
        if value is None:
            raise Unresolved(f"`{code_of(expr)}` ({keyword} of {self.scheduler.short_name}) does not resolve")
        return value.number

    def numbers(self, keyword: str, position: int) -> list[float]:
        expr = self.scheduler.argument(keyword, position)
        if not isinstance(expr, (cst.List, cst.Tuple)):
            raise Unresolved(f"the {keyword} of {self.scheduler.short_name} are not a literal list")
        found = []
        for element in expr.elements:
            value = self.model.resolver.number(element.value, self.scheduler.call.scope)
            if value is None:
                raise Unresolved(f"`{code_of(element.value)}` in {keyword} does not resolve")
            found.append(value.number)
        return found


def factor_of(model: Model, scheduler: Scheduler, base_lr: float) -> Factor:
    """The LR after `n` step() calls as a multiple of `base_lr`; raises Unresolved when unknown."""
    kind = SchedulerKind.of(scheduler)
    args = _Arguments(model, scheduler)
    if kind is SchedulerKind.LAMBDA:
        schedule = lr_lambda_of(model, scheduler)
        if schedule is None or schedule.assumed:
            raise Unresolved("its LR function cannot be evaluated from this file")
        return guarded(schedule.function)
    if kind is SchedulerKind.LINEAR:
        start, end = args.number("start_factor", 1, 1 / 3), args.number("end_factor", 2, 1.0)
        total = max(1.0, args.number("total_iters", 3, 5))
        return lambda n: start + (end - start) * min(n, total) / total
    if kind is SchedulerKind.CONSTANT:
        factor, total = args.number("factor", 1, 1 / 3), args.number("total_iters", 2, 5)
        return lambda n: factor if n < total else 1.0
    if kind is SchedulerKind.STEP:
        size, gamma = max(1.0, args.number("step_size", 1)), args.number("gamma", 2, 0.1)
        return lambda n: gamma ** (n // size)
    if kind is SchedulerKind.MULTI_STEP:
        milestones, gamma = args.numbers("milestones", 1), args.number("gamma", 2, 0.1)
        return lambda n: gamma ** sum(1 for m in milestones if m <= n)
    if kind is SchedulerKind.EXPONENTIAL:
        gamma = args.number("gamma", 1)
        return lambda n: gamma**n
    if kind is SchedulerKind.COSINE:
        period, floor = max(1.0, args.number("T_max", 1)), args.number("eta_min", 2, 0.0) / base_lr
        return lambda n: floor + (1 - floor) * (1 + math.cos(math.pi * n / period)) / 2
    if kind is SchedulerKind.POLYNOMIAL:
        total, power = max(1.0, args.number("total_iters", 1, 5)), args.number("power", 2, 1.0)
        return lambda n: (1 - min(n, total) / total) ** power
    if kind is SchedulerKind.SEQUENTIAL:
        return _sequential(model, scheduler, args, base_lr)
    if kind in _HUGGING_FACE:
        return _hugging_face(kind, args)
    raise Unresolved(f"the formula of {scheduler.short_name} is not modelled")


def guarded(function: Callable[[float], float]) -> Factor:
    """The function, with NaN where the evaluator cannot give a value at a step."""

    def factor(n: int) -> float:
        try:
            return function(n)
        except (Unsupported, RecursionError, ZeroDivisionError, OverflowError):
            return math.nan

    return factor


def _sequential(model: Model, scheduler: Scheduler, args: _Arguments, base_lr: float) -> Factor:
    milestones = args.numbers("milestones", 2)
    children = [factor_of(model, child, base_lr) for child in scheduler.children]
    if len(children) != len(milestones) + 1:
        raise Unresolved("the SequentialLR's schedulers are not all known")

    def factor(n: int) -> float:
        index = sum(1 for m in milestones if m <= n)
        start = milestones[index - 1] if index else 0
        return children[index](int(n - start))

    return factor


_HUGGING_FACE = (SchedulerKind.HF_LINEAR, SchedulerKind.HF_COSINE, SchedulerKind.HF_CONSTANT)


def _hugging_face(kind: SchedulerKind, args: _Arguments) -> Factor:
    warmup = args.number("num_warmup_steps", 1)

    def ramp(n: int) -> float:
        return n / max(1.0, warmup)

    if kind is SchedulerKind.HF_CONSTANT:
        return lambda n: ramp(n) if n < warmup else 1.0
    total = args.number("num_training_steps", 2)
    if kind is SchedulerKind.HF_LINEAR:
        return lambda n: ramp(n) if n < warmup else max(0.0, (total - n) / max(1.0, total - warmup))
    cycles = args.number("num_cycles", 3, 0.5)

    def cosine(n: int) -> float:
        progress = (n - warmup) / max(1.0, total - warmup)
        return max(0.0, 0.5 * (1 + math.cos(math.pi * cycles * 2 * progress)))

    return lambda n: ramp(n) if n < warmup else cosine(n)
