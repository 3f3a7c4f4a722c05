"""Fixes of a DeepSpeed config dict in a script: edits of the dict's values in its syntax tree.

WL003: `"WarmupLR"` becomes `"WarmupDecayLR"` (the same warmup params, then a linear decay), with
`"total_num_steps"` added to its params: `"auto"` where the Trainer's HF integration receives the
dict and fills it, else the run's length as the script writes it (or its value), else no fix.
WL009 and WL010 write one number (the shorter warmup, the run's length) over the one written.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.deepspeed_dicts import DecayingDict, DictTree, DictValue, Handoff
from warmlint.analysis.run_length import available
from warmlint.configs.judging import DECAYING_DEEPSPEED
from warmlint.fixes.edits import appended
from warmlint.fixes.plans import Planner
from warmlint.fixes.training_loop import CannotFix

TOTAL = "total_num_steps"


def decaying_schedule(planner: Planner, fix: DecayingDict) -> None:
    schedule, tree = fix.item.schedule, fix.item.tree
    written = tree.values.get(id(schedule.schedule.entry))
    if not isinstance(written, cst.SimpleString):
        raise CannotFix(f'the scheduler type is not a string written in the dict: set it to "{DECAYING_DEEPSPEED}"')
    quote = written.quote
    planner.edits.replace(written, cst.SimpleString(f"{quote}{DECAYING_DEEPSPEED}{quote}"))
    if schedule.total_steps is not None:
        return  # the decay's length is already there
    total = cst.parse_expression(_total(planner, tree, quote))
    params = tree.node_of(schedule.holder)
    if isinstance(params, cst.Dict):
        entry = cst.DictElement(cst.SimpleString(f"{quote}{TOTAL}{quote}"), total)
        planner.edits.on_same(params, lambda updated: updated.with_changes(elements=appended(updated.elements, entry)))
    elif isinstance(params, cst.Call):
        argument = cst.Arg(
            total, keyword=cst.Name(TOTAL), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        )
        planner.edits.on_same(params, lambda updated: updated.with_changes(args=appended(updated.args, argument)))
    else:
        raise CannotFix(f'the scheduler has no "params" dict to add {TOTAL} to')


def _total(planner: Planner, tree: DictTree, quote: str) -> str:
    """total_num_steps as code: "auto" for the Trainer, else the run's steps as the script has them."""
    if tree.handoff is Handoff.TRAINER:
        return f"{quote}auto{quote}"  # the HF integration fills it with the Trainer's number of steps
    run = tree.run
    if run is not None and run.text and available(planner.model, run.text, tree.scope, tree.order):
        return run.text
    if run is not None and run.value is not None:
        return str(int(run.value))
    raise CannotFix(
        "the script does not say how many optimizer steps the run takes where the dict is written: set the "
        f'type to "{DECAYING_DEEPSPEED}" with {TOTAL} = the run\'s steps'
    )


def set_value(planner: Planner, fix: DictValue) -> None:
    planner.edits.replace(fix.value, cst.parse_expression(fix.code))
