"""Child side: the LRs torch's own schedulers set at any optimizer step, without stepping through them.

Used on copies bound to a stand-in optimizer (see ``projection.detached_copies``): evaluating
moves their ``last_epoch`` around.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from torch.optim import lr_scheduler as torch_schedulers

from warmlint.verify.child.pace import Pace

# Optimizer step -> LR of every param group. Steps must be asked for in increasing order.
Evaluate = Callable[[int], list[float]]

_CLOSED_FORM = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR")
_PURE_GET_LR = ("OneCycleLR", "CyclicLR")
# Each multiplies the current LR by a factor of its own step count, so chained ones multiply.
_CHAINABLE = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR")


def direct_evaluator(schedulers: list[Any], paces: list[Pace]) -> Evaluate | None:
    """An evaluator when every scheduler is a torch one with a known formula, else None (step them)."""
    if len(schedulers) == 1 and _is_jumpable(schedulers[0]):
        scheduler, pace = schedulers[0], paces[0]
        epoch_at = _epoch_counter(scheduler, pace)
        return lambda step: [float(lr) for lr in _lr_at(scheduler, epoch_at(step))]
    if len(schedulers) == 1 and _is_torch(schedulers[0], "MultiplicativeLR"):
        return _multiplicative(schedulers[0], paces[0])
    members = [
        (child, pace)
        for scheduler, pace in zip(schedulers, paces)
        for child in (scheduler._schedulers if _is_torch(scheduler, "ChainedScheduler") else [scheduler])
    ]
    if all(_is_chainable(member) for member, _ in members):
        return _product(members)
    return None


def _epoch_counter(scheduler: Any, pace: Pace) -> Callable[[int], int]:
    start = scheduler.last_epoch
    return lambda step: start + pace.calls_before(step) - pace.calls


def _lr_at(scheduler: Any, epoch: int) -> list[Any]:
    """The LRs a jumpable scheduler sets once its ``last_epoch`` is ``epoch``."""
    name = type(scheduler).__name__
    if name == "LambdaLR":
        return [base * fn(epoch) for fn, base in zip(scheduler.lr_lambdas, scheduler.base_lrs)]
    if name == "SequentialLR":
        milestones = scheduler._milestones
        index = bisect_right(milestones, epoch)
        local = epoch - milestones[index - 1] if index else epoch
        return _lr_at(scheduler._schedulers[index], local)
    if name == "CosineAnnealingWarmRestarts":
        scheduler.step(epoch)
        return [group["lr"] for group in scheduler.optimizer.param_groups]
    scheduler.last_epoch = epoch
    if name in _CLOSED_FORM:
        return scheduler._get_closed_form_lr()
    scheduler._get_lr_called_within_step = True
    return scheduler.get_lr()


def _multiplicative(scheduler: Any, pace: Pace) -> Evaluate:
    """MultiplicativeLR: keep multiplying the current LRs by each call's factor (cheap, no stepping)."""
    epoch_at = _epoch_counter(scheduler, pace)
    epoch = scheduler.last_epoch
    lrs = [float(group["lr"]) for group in scheduler.optimizer.param_groups]

    def evaluate(step: int) -> list[float]:
        nonlocal epoch
        target = epoch_at(step)
        while epoch < target:
            epoch += 1
            lrs[:] = [lr * fn(epoch) for lr, fn in zip(lrs, scheduler.lr_lambdas)]
        return list(lrs)

    return evaluate


def _product(members: list[tuple[Any, Pace]]) -> Evaluate:
    """Chained schedulers: the initial LR times each one's factor at its own step count."""
    counters = [(scheduler, _epoch_counter(scheduler, pace)) for scheduler, pace in members]
    bases = [float(base) for base in members[0][0].base_lrs]

    def evaluate(step: int) -> list[float]:
        lrs = list(bases)
        for scheduler, epoch_at in counters:
            values = _lr_at(scheduler, epoch_at(step))
            lrs = [lr * (float(v) / float(b) if b else 0.0) for lr, v, b in zip(lrs, values, scheduler.base_lrs)]
        return lrs

    return evaluate


def _is_torch(scheduler: Any, *names: str) -> bool:
    klass = type(scheduler)
    return klass.__module__ == torch_schedulers.__name__ and klass.__name__ in names


def _is_jumpable(scheduler: Any) -> bool:
    if _is_torch(scheduler, "SequentialLR"):
        return all(_is_jumpable(child) for child in scheduler._schedulers)
    return _is_torch(scheduler, *_CLOSED_FORM, *_PURE_GET_LR, "LambdaLR", "CosineAnnealingWarmRestarts")


def _is_chainable(scheduler: Any) -> bool:
    if _is_torch(scheduler, "CosineAnnealingLR"):
        return scheduler.eta_min == 0  # only then is each step a pure factor
    return _is_torch(scheduler, *_CHAINABLE)
