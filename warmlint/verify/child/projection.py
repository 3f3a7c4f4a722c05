"""Child side: extend the observed LR over the whole run from the live scheduler objects.

The model never runs again. Schedulers are deep-copied onto a stand-in optimizer with one
scalar parameter per param group (the real parameters are never copied) and then either
evaluated directly at a few thousand sampled steps, when they are torch schedulers with a
known formula (see ``evaluators``), or stepped one call at a time (subclasses, mixtures).
"""

from __future__ import annotations

import copy
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim import lr_scheduler as torch_schedulers

from warmlint.verify.child.evaluators import Evaluate, direct_evaluator
from warmlint.verify.child.pace import Pace

# Steps right after the observed ones are sampled densely (that is where warmups end),
# the rest of the run evenly.
DENSE_SAMPLES = 500
SPREAD_SAMPLES = 1500
# Stepping a copied scheduler costs a few microseconds; stop well before it gets slow.
MAX_SEQUENTIAL_CALLS = 1_000_000


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
    samples = projection_steps(first, total_steps)
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
        evaluate = direct_evaluator(copies, paces)
        if evaluate is not None:
            _project_directly(evaluate, copies, samples, result)
        else:
            _project_by_stepping(copies, paces, stand_in, samples, result)
    for scheduler, pace in paced:
        if isinstance(getattr(scheduler, "last_epoch", None), int):
            final_epoch = scheduler.last_epoch + pace.calls_before(total_steps) - pace.calls
            note = _periodic_note(scheduler, final_epoch)
            if note:
                result.notes.append(note)
    return result


def projection_steps(first: int, last: int) -> list[int]:
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


def _project_directly(evaluate: Evaluate, schedulers: list[Any], samples: list[int], result: Projection) -> None:
    for step in samples:
        try:
            lr = evaluate(step)[0]
        except Exception as error:  # the user's lambda or the scheduler itself failed
            result.notes.append(_crash_note(schedulers[0], error, step))
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
            count if _needs_metrics(s) else pace.calls_before(step) for s, pace, count in zip(schedulers, paces, counts)
        ]
        budget -= sum(target - count for target, count in zip(targets, counts))
        if budget < 0:
            result.notes.append(
                f"stopped projecting at step {step}: getting there takes over {MAX_SEQUENTIAL_CALLS} scheduler calls"
            )
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
