"""WL007's fixes: make the unit a scheduler is stepped in match the unit its warmup is counted in.

- A warmup counted in steps, stepped once per epoch: `scheduler.step()` moves next to every
  `optimizer.step()` (into a function that steps the optimizer, the scheduler is passed as a
  new parameter, as WL001's fix does).
- A warmup counted in epochs, stepped every batch: `scheduler.step()` moves out of the batch
  loop, right after it, when the whole schedule counts epochs (a LambdaLR whose function names
  no step length, a lone LinearLR). In a SequentialLR whose other parts are stepped per batch,
  moving would slow those down instead, so the warmup length is converted to steps there:
  `total_iters=warmup_epochs * len(train_loader)`, and the milestone written the same way.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.catalog import COMPOSITE_SCHEDULERS
from warmlint.analysis.length_findings import UnitMismatch
from warmlint.analysis.model import Scheduler, call_argument
from warmlint.analysis.run_length import available, loop_count
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.analysis.stepping import StepRelation
from warmlint.analysis.units import StepUnit
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import statements
from warmlint.fixes.stepping_fixes import keeps_its_condition, own_line
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import Unresolved, code_of, parenthesized


def match_unit(planner: Planner, found: UnitMismatch) -> None:
    if found.stepped.unit is StepUnit.EPOCH:
        _step_per_batch(planner, found.stepped)
    elif found.scheduler.short_name in COMPOSITE_SCHEDULERS:
        _warmup_in_steps(planner, found)
    else:
        _step_per_epoch(planner, found)


def _step_per_batch(planner: Planner, found: StepRelation) -> None:
    """Move the per-epoch scheduler.step() next to every optimizer.step()."""
    if found.lifted is not found.site or found.optimizer is None:
        raise CannotFix("scheduler.step() is called from another function")
    statement = own_line(found.site)
    func = found.site.node.func
    if not isinstance(func, cst.Attribute):
        raise CannotFix("step() is not called on the scheduler by name")
    receiver = code_of(func.value)
    sites = found.optimizer.steps
    lines = [site.statement for site in sites if site.statement is not None]
    if not sites or len(lines) != len(sites):
        raise CannotFix("optimizer.step() is not a statement of its own")
    keeps_its_condition(found.site, sites)
    extended: set[int] = set()
    for site, line in zip(sites, lines):
        if site.scope != found.site.scope:
            _pass_into(planner, found, site, receiver, extended)
        planner.edits.insert_after(line, statements(f"{receiver}.step()\n"))
    planner.edits.remove(statement)


def _pass_into(planner: Planner, found: StepRelation, site, receiver: str, extended: set[int]) -> None:
    """Give the function that steps the optimizer the scheduler, from the loop that steps it now."""
    model = planner.model
    function = model.raw.functions.get(site.scope)
    calls = model.resolver.calls_to(function) if function is not None else []
    if function is None or len(calls) != 1 or calls[0][0].scope != found.site.scope:
        raise CannotFix("optimizer.step() is in a function that is not called where the scheduler steps")
    if not receiver.isidentifier() or model.resolver.lookup(site.scope, receiver) is not None:
        raise CannotFix(f"`{receiver}` cannot be passed into {function.name}()")
    planner.pass_scheduler(site, receiver, extended)


def _step_per_epoch(planner: Planner, found: UnitMismatch) -> None:
    """Move the per-batch scheduler.step() right after the batch loop, once per epoch."""
    stepped = found.stepped
    if stepped.lifted is not stepped.site:
        raise CannotFix("scheduler.step() is called from another function")
    statement = own_line(stepped.site)
    batches = stepped.loop
    if batches.parent is None or planner.model.raw.loops[batches.parent].scope != batches.scope:
        raise CannotFix("there is no epoch loop around the batch loop in this function")
    body = batches.node.body
    if not isinstance(body, cst.IndentedBlock) or not any(line is statement for line in body.body):
        raise CannotFix("scheduler.step() is not directly in the batch loop: moving it would drop what it runs under")
    _counts_only_epochs(planner, found.scheduler)
    planner.edits.remove(statement)
    planner.edits.insert_after(batches.node, [statement])


def _counts_only_epochs(planner: Planner, scheduler: Scheduler) -> None:
    schedule = lr_lambda_of(planner.model, scheduler) if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA else None
    if schedule is None:
        return
    steps = schedule.names_counting(StepUnit.OPTIMIZER_STEP)
    if steps:
        raise CannotFix(f"the schedule also counts `{steps[0]}`: convert the warmup length to optimizer steps")


def _warmup_in_steps(planner: Planner, found: UnitMismatch) -> None:
    """The warmup part's length (and the milestone written the same way) times the batches per epoch."""
    child = found.warmup.scheduler
    if child is None or SchedulerKind.of(child) is not SchedulerKind.LINEAR or child.parent is not found.scheduler:
        raise CannotFix("convert the warmup length to optimizer steps")
    written = call_argument(child.call.node, "total_iters", 3)
    if written is None:
        raise CannotFix("the warmup LinearLR has no total_iters to convert")
    try:
        per_epoch = loop_count(planner.model, found.stepped.loop).text
    except Unresolved as reason:
        raise CannotFix(f"{reason}: convert the warmup length to optimizer steps") from None
    sequence = found.scheduler
    if not available(planner.model, per_epoch, sequence.call.scope, child.call.order):
        raise CannotFix(f"`{per_epoch}` is not defined where the warmup is built")
    new = cst.parse_expression(f"{parenthesized(code_of(written))} * {per_epoch}")
    planner.edits.replace(written, new)
    milestones = sequence.argument("milestones", 2)
    if isinstance(milestones, (cst.List, cst.Tuple)) and milestones.elements:
        first = milestones.elements[0].value
        if code_of(first) != code_of(written):
            raise CannotFix(f"the milestone `{code_of(first)}` is not written as the warmup length")
        planner.edits.replace(first, new.deep_clone())
