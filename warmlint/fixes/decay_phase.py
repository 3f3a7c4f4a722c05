"""WL003's fix for `SequentialLR([LinearLR(...), ConstantLR(...)], milestones=[W])`: the constant
phase becomes a decay that ends with the run, and the warmup and milestone stay as written.

The decay covers the `T - W` steps (or epochs, in the unit the scheduler is stepped in) after the
milestone: `CosineAnnealingLR(T_max=T - W)` by default, `LinearLR` to `min-lr-ratio` for
`decay = "linear"`, `StepLR` for `decay = "step"`. `T` is a named value next to it.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.model import Scheduler, call_argument
from warmlint.analysis.run_length import available, loop_count
from warmlint.analysis.schedules import ConstantAfterWarmup
from warmlint.analysis.stepping import relation, scheduler_step_sites
from warmlint.analysis.units import StepUnit
from warmlint.config import Decay
from warmlint.fixes.inserted_schedule import STEP_DECAY_FACTOR, STEP_DECAY_TIMES
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import statements
from warmlint.fixes.training_loop import CannotFix, known_length
from warmlint.syntax import Unresolved, code_of, parenthesized


def decay_after_warmup(planner: Planner, found: ConstantAfterWarmup) -> None:
    sequence, constant = found.sequence, found.constant
    statement = constant.call.statement if constant.call.targets else sequence.call.statement
    if statement is None:
        raise CannotFix("the scheduler is not built on a line of its own")
    place = constant if constant.call.targets else sequence
    unit, total = _run_length(planner, sequence)
    if not available(planner.model, total, place.call.scope, place.call.order):
        raise CannotFix(f"`{total}` is not defined where the scheduler is built")
    optimizer_argument = constant.argument("optimizer", 0)
    if optimizer_argument is None:
        raise CannotFix("the optimizer is not passed to ConstantLR as an argument")
    total_name = planner.fresh(
        *(("total_steps", "lr_total_steps") if unit is StepUnit.OPTIMIZER_STEP else ("total_epochs",))
    )
    length = f"{total_name} - {parenthesized(code_of(found.milestone))}"
    decay = _decay(planner, code_of(optimizer_argument), length, place)
    planner.edits.insert_before(statement, statements(f"{total_name} = {total}\n"))
    planner.edits.replace(constant.call.node, cst.parse_expression(decay))
    planner.edits.maybe_unused.append(("torch.optim.lr_scheduler", "ConstantLR"))


def _run_length(planner: Planner, scheduler: Scheduler) -> tuple[StepUnit, str]:
    """The unit the scheduler is stepped in and the run's length in it, as the script writes it."""
    model = planner.model
    relations = [r for site in scheduler_step_sites(scheduler) if (r := relation(model, scheduler, site))]
    if not relations or len({r.unit for r in relations}) != 1:
        raise CannotFix("cannot tell whether the scheduler is stepped per batch or per epoch")
    if relations[0].unit is StepUnit.EPOCH:
        try:
            return StepUnit.EPOCH, loop_count(model, relations[0].loop).text
        except Unresolved as reason:
            raise CannotFix(str(reason)) from None
    if planner.options.total_steps is not None:
        return StepUnit.OPTIMIZER_STEP, str(planner.options.total_steps)
    optimizer = scheduler.optimizer
    if optimizer is None:
        raise CannotFix("cannot tell which optimizer the scheduler drives")
    return StepUnit.OPTIMIZER_STEP, known_length(model, optimizer, scheduler.call.scope).text


def _decay(planner: Planner, optimizer: str, length: str, place: Scheduler) -> str:
    """The scheduler that decays from the full LR to the minimum over `length` steps."""
    options = planner.options
    ratio = float(options.min_lr_ratio)
    if options.decay is Decay.LINEAR:
        linear = planner.scheduler_class("LinearLR")
        return f"{linear}({optimizer}, start_factor=1.0, end_factor={ratio!r}, total_iters={length})"
    if options.decay is Decay.STEP:
        interval = f"max(1, ({length}) // {STEP_DECAY_TIMES})"
        return f"{planner.scheduler_class('StepLR')}({optimizer}, step_size={interval}, gamma={STEP_DECAY_FACTOR})"
    cosine = f"{planner.scheduler_class('CosineAnnealingLR')}({optimizer}, T_max={length}"
    if not ratio:
        return cosine + ")"
    peak = _peak_lr(planner, place)
    return f"{cosine}, eta_min={ratio!r} * {parenthesized(peak)})"


def _peak_lr(planner: Planner, place: Scheduler) -> str:
    """The optimizer's `lr` as written, for an absolute `eta_min`."""
    optimizer = place.optimizer
    written = call_argument(optimizer.call.node, "lr", 1) if optimizer is not None else None
    if written is None or not available(planner.model, code_of(written), place.call.scope, place.call.order):
        raise CannotFix("cannot write the minimum LR: the optimizer's lr is not visible where the scheduler is built")
    return code_of(written)
