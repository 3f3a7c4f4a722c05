"""Child side: extend the observed LR over the whole run from the live scheduler objects.

The model never runs again. Schedulers are deep-copied onto a stand-in optimizer with one
scalar parameter per param group (the real parameters are never copied) and then either
evaluated directly at a few thousand sampled steps, when the LR is a known function of the
step count, or stepped one call at a time.
"""

from __future__ import annotations

import copy
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim import lr_scheduler as torch_schedulers

from warmlint.verify.pace import Pace

# Steps right after the observed ones are sampled densely (that is where warmups end),
# the rest of the run evenly.
DENSE_SAMPLES = 500
SPREAD_SAMPLES = 1500
# Stepping a copied scheduler costs a few microseconds; stop well before it gets slow.
MAX_SEQUENTIAL_CALLS = 1_000_000

_CLOSED_FORM = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR")
_PURE_GET_LR = ("OneCycleLR", "CyclicLR")


@dataclass
class Projection:
    points: list[tuple[int, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def project(
    optimizer: Any,
    observed: list[list[float]],
    total_steps: int | None,
    paced: list[tuple[Any, Pace]],
    unpaced: list[Any],
) -> Projection:
    """LR of the first param group at sampled optimizer steps after the observed ones."""
    result = Projection()
    first = len(observed) + 1
    if total_steps is None:
        result.notes.append("could not tell how long the run is; pass --total-steps N to project the schedule")
        return result
    if total_steps < first:
        return result
    samples = sample_steps(first, total_steps)
    last_lr = observed[-1][0]
    if not paced:
        if unpaced:
            names = ", ".join(f"{type(s).__name__}.step()" for s in unpaced)
            result.notes.append(
                f"{names} was not called during the {len(observed)} observed steps; projected flat at {last_lr:.3g}"
            )
        elif len({lrs[0] for lrs in observed}) == 1:
            result.notes.append(f"no LR scheduler and the LR did not change; projected flat at {last_lr:.3g}")
        else:
            result.notes.append(
                f"no LR scheduler: the LR is set by hand, so only the {len(observed)} observed steps are known; "
                "use a larger --steps to watch the whole run"
            )
            return result
        result.points = [(step, last_lr) for step in samples]
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copies, stand_in = detached_copies([s for s, _ in paced], optimizer)
        paces = [pace for _, pace in paced]
        if len(copies) == 1 and _is_jumpable(copies[0]):
            _project_directly(copies[0], paces[0], samples, result)
        else:
            _project_by_stepping(copies, paces, stand_in, samples, result)
    for scheduler, pace in paced:
        if isinstance(getattr(scheduler, "last_epoch", None), int):
            final_epoch = scheduler.last_epoch + pace.calls_before(total_steps) - pace.calls
            note = _periodic_note(scheduler, final_epoch)
            if note:
                result.notes.append(note)
    return result


def sample_steps(first: int, last: int) -> list[int]:
    dense = range(first, min(last, first + DENSE_SAMPLES - 1) + 1)
    span = last - first
    spread = {first + round(i * span / (SPREAD_SAMPLES - 1)) for i in range(SPREAD_SAMPLES)}
    return sorted(set(dense) | spread | {last})


def detached_copies(schedulers: list[Any], optimizer: Any) -> tuple[list[Any], Any]:
    """Deep copies of ``schedulers`` bound to a tiny stand-in for ``optimizer``."""
    stand_in = torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)]} for _ in optimizer.param_groups], lr=0.0
    )
    for new_group, group in zip(stand_in.param_groups, optimizer.param_groups):
        new_group.update({key: copy.deepcopy(value) for key, value in group.items() if key != "params"})
    memo: dict[int, Any] = {id(optimizer): stand_in}
    for group in optimizer.param_groups:
        memo.update({id(param): param for param in group["params"]})
    return copy.deepcopy(list(schedulers), memo), stand_in


def _project_directly(scheduler: Any, pace: Pace, samples: list[int], result: Projection) -> None:
    start = scheduler.last_epoch
    for step in samples:
        epoch = start + pace.calls_before(step) - pace.calls
        try:
            lr = float(_lr_at(scheduler, epoch)[0])
        except Exception as error:  # the user's lambda or the scheduler itself failed
            result.notes.append(_crash_note(scheduler, error, step))
            return
        result.points.append((step, lr))


def _project_by_stepping(
    schedulers: list[Any], paces: list[Pace], stand_in: Any, samples: list[int], result: Projection
) -> None:
    """Step the copies up to each sampled step, taking turns so chained schedulers interleave as in the run."""
    counts = [pace.calls for pace in paces]
    for scheduler in schedulers:
        if _needs_metrics(scheduler):
            result.notes.append(
                f"{type(scheduler).__name__} lowers the LR only when its metric stops improving; "
                "projected as if it never does"
            )
    budget = MAX_SEQUENTIAL_CALLS
    for step in samples:
        targets = [
            count if _needs_metrics(s) else pace.calls_before(step)
            for s, pace, count in zip(schedulers, paces, counts)
        ]
        budget -= sum(target - count for target, count in zip(targets, counts))
        if budget < 0:
            result.notes.append(f"stopped projecting at step {step}: the schedulers would need over "
                                f"{MAX_SEQUENTIAL_CALLS} calls to get there")
            return
        try:
            while counts != targets:
                for index, scheduler in enumerate(schedulers):
                    if counts[index] < targets[index]:
                        scheduler.step()
                        counts[index] += 1
        except Exception as error:  # the scheduler itself fails at this point of the run
            result.notes.append(_crash_note(scheduler, error, step))
            return
        result.points.append((step, float(stand_in.param_groups[0]["lr"])))


def _lr_at(scheduler: Any, epoch: int) -> list[float]:
    """The LRs a known torch scheduler sets after ``epoch`` calls, without stepping through them."""
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


def _is_jumpable(scheduler: Any) -> bool:
    klass = type(scheduler)
    if klass.__module__ != torch_schedulers.__name__:
        return False
    if klass.__name__ == "SequentialLR":
        return all(_is_jumpable(child) for child in scheduler._schedulers)
    return klass.__name__ in (*_CLOSED_FORM, *_PURE_GET_LR, "LambdaLR", "CosineAnnealingWarmRestarts")


def _needs_metrics(scheduler: Any) -> bool:
    return isinstance(scheduler, torch_schedulers.ReduceLROnPlateau)


def _periodic_note(scheduler: Any, final_epoch: int) -> str | None:
    name = type(scheduler).__name__
    if name == "SequentialLR":
        milestones = scheduler._milestones
        index = bisect_right(milestones, final_epoch)
        local = final_epoch - milestones[index - 1] if index else final_epoch
        return _periodic_note(scheduler._schedulers[index], local)
    if name == "CosineAnnealingLR" and final_epoch > scheduler.T_max:
        return (
            f"CosineAnnealingLR is periodic: past T_max = {scheduler.T_max} scheduler calls the LR climbs back up, "
            f"and this run makes {final_epoch}"
        )
    return None


def _crash_note(scheduler: Any, error: Exception, step: int) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (
        f"{type(scheduler).__name__} raises {type(error).__name__}"
        f"{': ' + message if message else ''} at optimizer step {step}: the run would crash there"
    )

