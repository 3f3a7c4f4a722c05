"""WL004's fix: put a linear warmup in front of a decay-only schedule, in the unit it is stepped in."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.model import Model, Scheduler, call_argument
from warmlint.analysis.phases import WARMUP_SHARE
from warmlint.analysis.run_length import available, loop_count
from warmlint.analysis.stepping import relation, scheduler_step_sites
from warmlint.analysis.units import StepUnit
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import auto_warmup_expr, statements
from warmlint.fixes.training_loop import CannotFix, known_length
from warmlint.syntax import Unresolved, code_of, parenthesized


def add_warmup(planner: Planner, scheduler: Scheduler) -> None:
    model = planner.model
    statement = scheduler.call.statement
    if statement is None or len(scheduler.call.targets) != 1:
        raise CannotFix("the scheduler is not assigned to a name on its own line")
    if scheduler.is_warmup_factory:  # HF: num_warmup_steps=0 -> a real warmup
        _hf_warmup(planner, scheduler)
        return
    sites = scheduler_step_sites(scheduler)
    relations = [r for s in sites if (r := relation(model, scheduler, s))]
    if not relations:
        raise CannotFix("cannot tell whether the scheduler is stepped per batch or per epoch")
    unit = relations[0].unit
    home = scheduler.call.scope
    order = scheduler.call.order
    if unit is StepUnit.EPOCH:
        epochs = _epoch_count(model, relations[0])
        length_name = planner.fresh("warmup_epochs", "lr_warmup_epochs")
        if epochs and available(model, epochs, home, order):
            # The W policy's share of the run and its floor; its cap of 2000 counts steps, not epochs.
            length = f"max(1, round({WARMUP_SHARE} * {parenthesized(epochs)}))"
        else:
            length = "5"  # the epoch count is not in the file: a visible constant to tune
    else:
        optimizer = scheduler.optimizer
        if optimizer is None or not optimizer.steps:
            raise CannotFix("cannot find where its optimizer steps")
        run = known_length(model, optimizer.steps[0], home)
        total = run.text
        if not available(model, total, home, order):
            raise CannotFix(f"`{total}` is not defined where the scheduler is built")
        length_name = planner.fresh("warmup_steps", "lr_warmup_steps")
        length = auto_warmup_expr(parenthesized(total), run.value)
    optimizer_argument = scheduler.argument("optimizer", 0)
    if optimizer_argument is None:
        raise CannotFix("the optimizer is not passed to the scheduler as an argument")
    optimizer_code = code_of(optimizer_argument)
    sequential = planner.scheduler_class("SequentialLR")
    linear = planner.scheduler_class("LinearLR")
    # Each part a named value of its own line: short lines, and the user's decay stays as written.
    warmup_name = planner.fresh("warmup_scheduler", "lr_warmup_scheduler")
    decay_name = planner.fresh("decay_scheduler", "lr_decay_scheduler")
    parts = (
        f"{length_name} = {length}\n"
        f"{warmup_name} = {linear}({optimizer_code}, start_factor=1 / ({length_name} + 1), total_iters={length_name})\n"
        f"{decay_name} = {code_of(scheduler.call.node)}\n"
    )
    planner.edits.insert_before(statement, statements(parts))
    wrapped = f"{sequential}({optimizer_code}, schedulers=[{warmup_name}, {decay_name}], milestones=[{length_name}])"
    planner.edits.replace(scheduler.call.node, cst.parse_expression(wrapped))


def _epoch_count(model: Model, found) -> str | None:
    """The epoch count as written where the scheduler steps, when the loop is a plain `range`."""
    try:
        return loop_count(model, found.loop).text
    except Unresolved:
        return None


def _hf_warmup(planner: Planner, scheduler: Scheduler) -> None:
    warmup = call_argument(scheduler.call.node, "num_warmup_steps", 1)
    total = call_argument(scheduler.call.node, "num_training_steps", 2)
    if warmup is None or total is None:
        raise CannotFix("cannot find num_warmup_steps and num_training_steps")
    if scheduler.call.statement is None:
        raise CannotFix("the scheduler is not built on a line of its own")
    length_name = planner.fresh("warmup_steps", "lr_warmup_steps")
    run = planner.model.resolver.number(total, scheduler.call.scope)  # num_training_steps, where it is known
    length = auto_warmup_expr(parenthesized(code_of(total)), run.number if run is not None else None)
    planner.edits.insert_before(scheduler.call.statement, statements(f"{length_name} = {length}\n"))
    planner.edits.replace(warmup, cst.Name(length_name))
