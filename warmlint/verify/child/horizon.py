"""Child side: decide how many optimizer steps the whole run has.

In order of trust:
1. the run finished on its own: the steps it took;
2. ``--total-steps``;
3. the script's own loops, as the static training-run model counts them (read by the parent
   before the run, and only when no flag it depends on is on this run's command line);
4. a run-length variable in the script (``total_steps``, ``max_iters``, ``args.max_steps``...);
5. an epoch count in the script times the batches per epoch (``len(loader)``, or the gap
   between two per-epoch scheduler calls);
6. what the scheduler was built for (OneCycleLR ``total_steps``, CosineAnnealingLR ``T_max``,
   PolynomialLR/LinearLR ``total_iters``, a ``num_training_steps``-like constant in a LambdaLR
   lambda), converted from scheduler calls to optimizer steps with the observed pace.
The script beats the scheduler because a scheduler built for the wrong length is the mistake
being looked for. With gradient accumulation ``len(loader)`` counts micro-batches, so (4)
overshoots; ``--total-steps`` settles it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from warmlint.verify.child.hints import TOTAL_STEP_NAMES, ScriptHints
from warmlint.verify.child.pace import Pace


@dataclass(frozen=True)
class RunTotal:
    """The optimizer steps the run verify projects over, and where that number came from
    (analysis.run_length.RunLength is T as the script writes it)."""

    total_steps: int | None
    source: str | None


def infer_run_length(
    override: int | None,
    finished_after: int | None,
    hints: ScriptHints,
    paced_schedulers: list[tuple[Any, Pace]],
    script_length: RunTotal | None = None,
) -> RunTotal:
    if finished_after is not None:
        return RunTotal(finished_after, f"the script finished after {finished_after} optimizer steps")
    if override:
        return RunTotal(override, "--total-steps")
    if script_length is not None and script_length.total_steps:
        return script_length
    if hints.totals:
        hint = hints.totals[0]
        return RunTotal(hint.value, hint.describe())
    from_epochs = _from_epochs(hints, paced_schedulers)
    if from_epochs is not None:
        return from_epochs
    for scheduler, pace in paced_schedulers:
        found = scheduler_horizon(scheduler)
        if found is not None and pace.rate > 0:
            calls, description = found
            total = math.ceil(calls / pace.rate)
            if pace.rate != 1:
                description += f", at {_describe_rate(pace.rate)}"
            return RunTotal(total, description)
    return RunTotal(None, None)


def _from_epochs(hints: ScriptHints, paced_schedulers: list[tuple[Any, Pace]]) -> RunTotal | None:
    if not hints.epochs:
        return None
    epochs = hints.epochs[0]
    if hints.batches_per_epoch is not None:
        batches = hints.batches_per_epoch
        return RunTotal(
            epochs.value * batches.value,
            f"{epochs.describe()} × {batches.value} batches per epoch ({batches.label})",
        )
    for _, pace in paced_schedulers:
        if 0 < pace.rate < 1 and pace.rate.numerator == 1:
            per_epoch = pace.rate.denominator
            return RunTotal(
                epochs.value * per_epoch,
                f"{epochs.describe()} × {per_epoch} optimizer steps between per-epoch scheduler calls",
            )
    return None


def _describe_rate(rate: Fraction) -> str:
    if rate.numerator == 1:
        return f"one scheduler call every {rate.denominator} optimizer steps"
    return f"{float(rate):.3g} scheduler calls per optimizer step"


def scheduler_horizon(scheduler: Any) -> tuple[int, str] | None:
    """The number of scheduler calls the scheduler was built for, and where that number comes from."""
    name = type(scheduler).__name__
    for attribute in ("total_steps", "T_max"):
        value = getattr(scheduler, attribute, None)
        if isinstance(value, int) and value > 0:
            return value, f"{name} {attribute} = {value}"
    total_iters = getattr(scheduler, "total_iters", None)
    if name in ("PolynomialLR", "LinearLR") and isinstance(total_iters, int) and total_iters > 0:
        if name == "PolynomialLR" or scheduler.end_factor < scheduler.start_factor:
            return total_iters, f"{name} total_iters = {total_iters}"
    children = getattr(scheduler, "_schedulers", None)
    milestones = getattr(scheduler, "_milestones", None)
    if children and milestones is not None:
        last = scheduler_horizon(children[-1])
        if last is not None:
            return milestones[-1] + last[0], f"{name} milestone {milestones[-1]} + {last[1]}"
    for function in getattr(scheduler, "lr_lambdas", None) or ():
        found = _constant_in_function(function)
        if found is not None:
            label, value = found
            return value, f"{label} = {value} used by the {name} lambda"
    return None


def _constant_in_function(function: Any) -> tuple[str, int] | None:
    """A total-steps-like name the lambda can see: closure, default, global or partial keyword."""
    names: dict[str, object] = {}
    if isinstance(function, functools.partial):
        names.update(function.keywords)
        function = function.func
    code = getattr(function, "__code__", None)
    if code is not None:
        closure = getattr(function, "__closure__", None) or ()
        for name, cell in zip(code.co_freevars, closure):
            try:
                names.setdefault(name, cell.cell_contents)
            except ValueError:
                continue
        defaults = getattr(function, "__defaults__", None) or ()
        positional = code.co_varnames[: code.co_argcount]
        names.update({k: v for k, v in zip(positional[len(positional) - len(defaults) :], defaults)})
        names.update(getattr(function, "__kwdefaults__", None) or {})
        module_globals = getattr(function, "__globals__", {})
        names.update({n: module_globals[n] for n in code.co_names if n in module_globals and n not in names})
    elif hasattr(function, "__dict__"):
        names.update(vars(function))
    for wanted in TOTAL_STEP_NAMES:
        value = names.get(wanted)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return wanted, value
    return None
