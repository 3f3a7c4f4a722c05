"""WL007's fix for Lightning: a scheduler whose warmup counts steps is returned from
`configure_optimizers` with `"interval": "step"`, so Lightning steps it after every optimizer step.

The scheduler stays where it is written; its slot in the returned value becomes (or its config
dict gets) `{"scheduler": scheduler, "interval": "step"}`. A returned value Lightning itself
would not accept (a bare `optimizer, scheduler` tuple) is left alone, and so is a schedule whose
function also counts epochs: stepping it per step would also speed up that part.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.model import Scheduler, SlotHolder
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.analysis.units import StepUnit
from warmlint.fixes.edits import appended
from warmlint.fixes.plans import Planner
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of

ASK = 'return the scheduler with "interval": "step"'


def step_interval(planner: Planner, scheduler: Scheduler) -> None:
    slot = scheduler.lightning_slot
    if slot is None:
        raise CannotFix(ASK)
    _counts_only_steps(planner, scheduler)
    if slot.holder is SlotHolder.SCHEDULER_CONFIG and slot.config is not None:
        _set_interval(planner, slot.config)
    elif slot.holder in (SlotHolder.LIST, SlotHolder.PAIR, SlotHolder.OPTIMIZER_DICT):
        config = cst.parse_expression(f'{{"scheduler": {code_of(slot.ref)}, "interval": "step"}}')
        planner.edits.replace(slot.ref, config)
    else:
        raise CannotFix(f"{ASK} (Lightning reads a scheduler from a list or a config dict)")


def _counts_only_steps(planner: Planner, scheduler: Scheduler) -> None:
    schedule = lr_lambda_of(planner.model, scheduler) if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA else None
    if schedule is None:
        return
    epochs = schedule.names_counting(StepUnit.EPOCH)
    if epochs:
        raise CannotFix(f"the schedule also counts `{epochs[0]}`: {ASK} once its lengths are all in steps")


def _set_interval(planner: Planner, config: cst.Dict) -> None:
    step = cst.SimpleString('"step"')
    for element in config.elements:
        if isinstance(element, cst.DictElement) and _key(element) == "interval":
            planner.edits.replace(element.value, step)
            return
    quote = next((_quote(e) for e in config.elements if isinstance(e, cst.DictElement) and _quote(e)), '"')
    entry = cst.DictElement(cst.SimpleString(f"{quote}interval{quote}"), cst.SimpleString(f"{quote}step{quote}"))
    planner.edits.on_same(config, lambda updated: updated.with_changes(elements=appended(updated.elements, entry)))


def _key(element: cst.DictElement) -> str | None:
    key = element.key.evaluated_value if isinstance(element.key, cst.SimpleString) else None
    return key if isinstance(key, str) else None


def _quote(element: cst.DictElement) -> str | None:
    return element.key.quote if isinstance(element.key, cst.SimpleString) else None
