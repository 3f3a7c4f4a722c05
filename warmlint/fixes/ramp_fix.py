"""WL002's fix where no scheduler can be inserted: the constant warmup value becomes a linear ramp,
written where the constant was.

The ramp counts the warmup loop's own counter, `for step in range(W)` (or `if step < W` in a loop
over `step`), and rises to the LR the run trains at after its warmup (the schedule's target):
`target * (step + 1) / (W + 1)`, the warmup of
the inserted schedule, so the first step runs at 1/(W+1) of the target and the last one just
below it. Only the value written changes: the rest of the run is as the script had it.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.facts import Loop, LrWrite
from warmlint.analysis.lr_schedule import Schedule, WritePhase, schedule_of
from warmlint.analysis.names import dotted_name
from warmlint.analysis.run_length import available
from warmlint.fixes.plans import Planner
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of, parenthesized


def ramp_in_place(planner: Planner, write: LrWrite) -> None:
    optimizer = planner.model.optimizer_of_group(write.group, write.scope, write.loops)
    if optimizer is None:
        raise CannotFix("cannot tell which optimizer the warmup writes to")
    schedule = schedule_of(planner.model, optimizer)
    if not any(w.write is write and w.phase is WritePhase.WARMUP for w in schedule.writes):
        raise CannotFix("the write sets the LR the run trains at after its warmup: there is no warmup write to ramp")
    counter, bound = _warmup_counter(planner, write)
    target = _target(planner, write, schedule)
    ramp = f"{parenthesized(target)} * ({counter} + 1) / ({parenthesized(bound)} + 1)"
    planner.edits.replace(write.value, cst.parse_expression(ramp))


def _warmup_counter(planner: Planner, write: LrWrite) -> tuple[str, str]:
    """The loop counter that counts the warmup steps from 0, and the number of warmup steps."""
    loops = [planner.model.raw.loops[i] for i in write.loops]
    for branch in reversed(write.branches):
        test = branch.test
        if branch.in_body and isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            if isinstance(test.comparisons[0].operator, cst.LessThan) and isinstance(test.left, cst.Name):
                loop = next((lp for lp in loops if _counts_from_zero(lp, test.left.value)), None)
                if loop is not None:
                    return test.left.value, code_of(test.comparisons[0].comparator)
    for loop in reversed(loops):
        bound = _range_bound(loop)
        if bound is not None and len(loop.target_names) == 1:
            return loop.target_names[0], bound
    raise CannotFix("the warmup is not a loop over its steps: ramp the LR by hand")


def _range_bound(loop: Loop) -> str | None:
    """`N` in `for step in range(N)`."""
    node = loop.node
    if not isinstance(node, cst.For) or not isinstance(node.iter, cst.Call):
        return None
    if dotted_name(node.iter.func) != "range" or len(node.iter.args) != 1 or node.iter.args[0].keyword:
        return None
    return code_of(node.iter.args[0].value)


def _counts_from_zero(loop: Loop, name: str) -> bool:
    """`name` is the loop's counter and starts at 0: `range(N)`, or the index of `enumerate(x)`."""
    node = loop.node
    if _range_bound(loop) is not None:
        return loop.target_names == (name,)
    if isinstance(node, cst.For) and isinstance(node.iter, cst.Call) and dotted_name(node.iter.func) == "enumerate":
        return len(node.iter.args) == 1 and loop.target_names[:1] == (name,)
    return False


def _target(planner: Planner, write: LrWrite, schedule: Schedule) -> str:
    """The LR the warmup ramps to (the one the run trains at after it), written so that it reads
    where the warmup writes."""
    target = schedule.target
    if target is None:
        raise CannotFix("cannot tell which LR the warmup leads to")
    if not available(planner.model, target.text, write.scope, write.order):
        raise CannotFix(f"`{target.text}` is not defined where the warmup writes the LR")
    return target.text
