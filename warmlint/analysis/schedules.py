"""The shape of a scheduler's schedule, where it can be read from the file."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.evaluate import ScheduleFunction, Shape, ShapeKind, Unsupported, classify
from warmlint.analysis.model import Model, Scheduler


@dataclass(frozen=True)
class LambdaSchedule:
    function: ScheduleFunction
    node: cst.CSTNode  # the lambda, or the def that defines the shape
    anchor: cst.CSTNode  # where a diagnostic points: the lambda, or the def's name
    shape: Shape | None
    # Free names that do not resolve; the shape holds for every plausible value of them, and its
    # numbers (start, peak step) are those of one such value.
    assumed: tuple[str, ...] = ()


def lr_lambda_of(model: Model, scheduler: Scheduler) -> LambdaSchedule | None:
    """The function a LambdaLR multiplies the LR by, when it is defined in this file.

    Evaluated once per function: every rule, fix and verify reads the same shape.
    """
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
    key = ("lr_lambda", id(node))
    if key not in model.derived:
        model.derived[key] = _evaluate(model, node, free_scope)
    found = model.derived[key]
    return found if isinstance(found, LambdaSchedule) else None


def _evaluate(model: Model, node: cst.Lambda | cst.FunctionDef, free_scope) -> LambdaSchedule | None:
    try:
        function = ScheduleFunction(node, free_scope, model.resolver)
    except Unsupported:
        return None
    anchor = node.name if isinstance(node, cst.FunctionDef) else node
    shape = classify(function)
    if shape is None and function.unresolved:
        shape, assumed = _shape_for_any_value(node, free_scope, model, function)
        return LambdaSchedule(function, node, anchor, shape, assumed if shape else ())
    return LambdaSchedule(function, node, anchor, shape)


# Values tried for a free name that does not resolve: lengths from one step to a long run.
PLAUSIBLE_VALUES = (10.0, 1e3, 1e5)
_MAX_UNRESOLVED = 3


def _shape_for_any_value(
    node, free_scope, model: Model, first: ScheduleFunction
) -> tuple[Shape | None, tuple[str, ...]]:
    """The shape the function has whatever its unresolved names hold, or None when it depends on them.

    Each unresolved name takes each plausible value independently; a shape is accepted only when
    every combination gives the same kind.
    """
    names: list[str] = []
    pending = list(first.unresolved)
    shapes: list[Shape] = []
    while pending and len(names) < _MAX_UNRESOLVED:
        names += [n for n in pending if n not in names]
        shapes, pending = [], []
        for values in itertools.product(PLAUSIBLE_VALUES, repeat=len(names)):
            function = ScheduleFunction(node, free_scope, model.resolver, assumed=dict(zip(names, values)))
            shape = classify(function, coarse=True)
            if shape is None:
                pending += [n for n in function.unresolved if n not in names]
                if not function.unresolved:
                    return None, ()  # cannot be evaluated for another reason
                break
            if shape.kind is ShapeKind.OTHER or (shapes and shape.kind is not shapes[0].kind):
                return None, ()  # the shape depends on the values: nothing can be said
            shapes.append(shape)
    if pending or not shapes:
        return None, ()
    return shapes[0], tuple(names)


def is_alone(model: Model, scheduler: Scheduler) -> bool:
    """Nothing else changes the LR of the scheduler's optimizer (no other scheduler, writes or helpers)."""
    if scheduler.parent is not None:
        return False
    optimizer = scheduler.optimizer
    if optimizer is None:
        return len(model.schedulers) == 1 and not model.raw.lr_writes
    return (
        optimizer.schedulers == [scheduler]
        and not optimizer.lr_writes
        and not optimizer.schedule_helpers
        and not optimizer.escapes
    )
