"""The shape of a scheduler's schedule, where it can be read from the file."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.evaluate import ScheduleFunction, Shape, Unsupported, classify
from warmlint.analysis.model import Model, Scheduler


@dataclass(frozen=True)
class LambdaSchedule:
    function: ScheduleFunction
    node: cst.CSTNode  # the lambda, or the def that defines the shape
    anchor: cst.CSTNode  # where a diagnostic points: the lambda, or the def's name
    shape: Shape | None


def lr_lambda_of(model: Model, scheduler: Scheduler) -> LambdaSchedule | None:
    """The function a LambdaLR multiplies the LR by, when it is defined in this file."""
    expr = scheduler.argument("lr_lambda", 1)
    if expr is None:
        return None
    scope = scheduler.call.scope
    node, free_scope = None, scope
    if isinstance(expr, cst.Lambda):
        node = expr
    else:
        function = model.resolver.local_function(expr, scope)
        if function is not None:
            node, free_scope = function.node, function.scope
        else:
            origins = model.resolver.origins(expr, scope)
            if origins and len(origins) == 1 and isinstance(origins[0][0], cst.Lambda):
                node, free_scope = origins[0][0], origins[0][1]
    if node is None:
        return None
    try:
        function = ScheduleFunction(node, free_scope, model.resolver)
    except Unsupported:
        return None
    anchor = node.name if isinstance(node, cst.FunctionDef) else node
    return LambdaSchedule(function, node, anchor, classify(function))


def is_alone(model: Model, scheduler: Scheduler) -> bool:
    """Nothing else changes the LR of the scheduler's optimizer (no other scheduler, writes or helpers)."""
    if scheduler.parent is not None:
        return False
    optimizer = scheduler.optimizer
    if optimizer is None:
        return len(model.schedulers) == 1 and not model.raw.lr_writes
    return (optimizer.schedulers == [scheduler] and not optimizer.lr_writes
            and not optimizer.schedule_helpers and not optimizer.escapes)
