"""The shape of a scheduler's schedule, where it can be read from the file."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.evaluate import ScheduleFunction, Shape, ShapeKind, Unsupported, classify
from warmlint.analysis.facts import BindingKind, CallSite, LrWrite
from warmlint.analysis.model import Model, Optimizer, Scheduler, call_argument
from warmlint.analysis.names import dotted_name
from warmlint.analysis.run_length import loop_count
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.units import StepUnit, mentions_unit
from warmlint.syntax import Unresolved, names_in


@dataclass(frozen=True)
class LambdaSchedule:
    function: ScheduleFunction
    node: cst.CSTNode  # the lambda, or the def that defines the shape
    anchor: cst.CSTNode  # where a diagnostic points: the lambda, or the def's name
    shape: Shape | None
    # Free names that do not resolve; the shape holds for every plausible value of them, and its
    # numbers (start, peak step) are those of one such value.
    assumed: tuple[str, ...] = ()

    def names_counting(self, unit: StepUnit) -> list[str]:
        """The function's free names that say they count `unit` (`warmup_epochs`, `total_steps`)."""
        return sorted(n for n in self.function.free_names() if mentions_unit(n, unit))


def lr_lambda_of(model: Model, scheduler: Scheduler) -> LambdaSchedule | None:
    """The function a LambdaLR multiplies the LR by, when it is defined in this file.

    Evaluated once per function: every rule, fix and verify reads the same shape.
    """
    expr = scheduler.argument("lr_lambda", 1)
    if expr is None:
        return None
    scope = scheduler.call.scope
    node: cst.Lambda | cst.FunctionDef | None = None
    free_scope = scope
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
    if id(node) not in model.lambda_schedules:
        model.lambda_schedules[id(node)] = _evaluate(model, node, free_scope)
    return model.lambda_schedules[id(node)]


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


def is_linear_warmup(model: Model, scheduler: Scheduler) -> bool:
    """A LinearLR that rises to the full LR (`start_factor < end_factor`, `end_factor` about 1)."""
    start = _factor(model, scheduler, "start_factor", 1, 1 / 3)
    end = _factor(model, scheduler, "end_factor", 2, 1.0)
    return start is not None and end is not None and start < end and end >= 0.99


def _factor(model: Model, scheduler: Scheduler, keyword: str, position: int, default: float) -> float | None:
    expr = call_argument(scheduler.call.node, keyword, position)
    if expr is None:
        return default
    value = model.resolver.number(expr, scheduler.call.scope)
    return None if value is None else value.number


@dataclass(frozen=True)
class ConstantAfterWarmup:
    """`SequentialLR([LinearLR(...), ConstantLR(...)], milestones=[W])`: after the warmup the LR
    holds (ConstantLR returns to the full LR after its `total_iters` and stays there)."""

    sequence: Scheduler
    warmup: Scheduler
    constant: Scheduler
    milestone: cst.BaseExpression


def constant_after_warmup(model: Model, scheduler: Scheduler) -> ConstantAfterWarmup | None:
    """The warmup-then-constant SequentialLR that alone drives its optimizer, or None."""
    optimizer = scheduler.optimizer
    if SchedulerKind.of(scheduler) is not SchedulerKind.SEQUENTIAL or scheduler.parent is not None or optimizer is None:
        return None
    if [s for s in optimizer.schedulers if s.parent is None] != [scheduler]:
        return None
    if optimizer.lr_writes or optimizer.schedule_helpers or optimizer.escapes:
        return None
    listed = scheduler.argument("schedulers", 1)
    milestones = scheduler.argument("milestones", 2)
    if not isinstance(listed, (cst.List, cst.Tuple)) or len(listed.elements) != 2:
        return None
    if not isinstance(milestones, (cst.List, cst.Tuple)) or len(milestones.elements) != 1:
        return None
    if [SchedulerKind.of(child) for child in scheduler.children] != [SchedulerKind.LINEAR, SchedulerKind.CONSTANT]:
        return None
    warmup, constant = scheduler.children
    if not is_linear_warmup(model, warmup):
        return None
    return ConstantAfterWarmup(scheduler, warmup, constant, milestones.elements[0].value)


@dataclass(frozen=True)
class ManualSchedule:
    """The LR a training loop writes into an optimizer's param groups, as a function of its counter."""

    write: LrWrite
    counter: str  # the loop variable or while-counter the value depends on
    schedule: LambdaSchedule


def manual_schedule(model: Model, optimizer: Optimizer) -> ManualSchedule | None:
    """When the optimizer's LR is set by one param-group write inside the training loop, from an
    expression of the loop's counter (`base * min(1, (s + 1) / W)`, `lr = get_lr(it)`), that
    expression as a schedule function, classified over the run length when it is known."""
    writes = [w for w in optimizer.lr_writes if not w.augmented]
    if len(writes) != 1 or len(optimizer.lr_writes) != 1 or not writes[0].loops:
        return None
    write = writes[0]
    training = [model.raw.loops[i] for i in write.loops if "param_groups" not in model.raw.loops[i].iter_text]
    if not training:
        return None
    loop = training[-1]  # the innermost loop that is not `for g in optimizer.param_groups`
    counter = _counter_of(loop)
    if counter is None:
        return None
    if id(write.node) not in model.manual_schedules:
        model.manual_schedules[id(write.node)] = _manual(model, write, counter, loop)
    return model.manual_schedules[id(write.node)]


def _manual(model: Model, write: LrWrite, counter: str, loop) -> ManualSchedule | None:
    expr, scope = value_expression(model, write.value, write.scope)
    node: cst.Lambda | cst.FunctionDef
    if isinstance(expr, cst.Call) and len(expr.args) == 1 and _is_name(expr.args[0].value, counter):
        helper = model.resolver.local_function(expr.func, scope)  # lr = get_lr(it)
        if helper is None:
            return None
        node, free_scope = helper.node, helper.scope
    elif counter in names_in(expr):
        node = cst.Lambda(params=cst.Parameters(params=[cst.Param(cst.Name(counter))]), body=expr)
        free_scope = scope
    else:
        return None
    try:
        function = ScheduleFunction(node, free_scope, model.resolver)
        shape = classify(function, horizon=_loop_horizon(model, loop))
    except Unsupported:
        return None
    if shape is None:
        return None
    anchor = node.name if isinstance(node, cst.FunctionDef) else write.node
    return ManualSchedule(write, counter, LambdaSchedule(function, node, anchor, shape))


def value_expression(model: Model, value: cst.BaseExpression, scope):
    """`lr` in `g["lr"] = lr` is the expression it was assigned in the loop, when bound once."""
    if isinstance(value, cst.Name):
        bindings = model.raw.bindings_of(scope, value.value)
        if (
            len(bindings) == 1
            and bindings[0].kind is BindingKind.ASSIGN
            and bindings[0].index is None
            and isinstance(bindings[0].value, cst.BaseExpression)
        ):
            return bindings[0].value, scope
    return value, scope


def _counter_of(loop) -> str | None:
    """The step counter of a loop: `for step in range(...)`, `for i, batch in enumerate(...)`,
    `while it < max_iters`."""
    node = loop.node
    if isinstance(node, cst.For):
        names = loop.target_names
        iterable = node.iter
        if isinstance(iterable, cst.Call) and dotted_name(iterable.func) in ("range", "enumerate") and names:
            return names[0]
        return None
    test = node.test
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name):
        return test.left.value
    return None


def _loop_horizon(model: Model, loop) -> int | None:
    try:
        value = loop_count(model, loop).value
    except Unresolved:
        return None
    return int(value) if value is not None and 1 <= value <= 10_000_000 else None


def _is_name(expr: cst.BaseExpression, name: str) -> bool:
    return isinstance(expr, cst.Name) and expr.value == name


@dataclass(frozen=True)
class HelperSchedule:
    """`adjust_learning_rate(optimizer, epoch, args)`: a function of this file that writes the LR
    from one of its parameters, called once from a loop with that loop's counter."""

    function: str  # the helper's name
    counter: str  # the loop counter the call passes (`epoch`)
    call: CallSite
    shape: Shape


def helper_schedule(model: Model, optimizer: Optimizer) -> HelperSchedule | None:
    """The LR an optimizer's one param-group write sets inside a helper, as a function of the loop
    counter its one call passes, over that loop's length when it is known."""
    writes = [w for w in optimizer.lr_writes if not w.augmented]
    if len(writes) != 1 or len(optimizer.lr_writes) != 1:
        return None
    write = writes[0]
    helper = model.raw.functions.get(write.scope)
    if helper is None or helper.is_method:
        return None
    expr, _ = value_expression(model, write.value, write.scope)
    params = {p.name.value: p for p in helper.params}
    used = [name for name in params if name in names_in(expr)]
    calls = model.resolver.calls_to(helper)
    if len(calls) != 1:
        return None
    call, offset = calls[0]
    loop = model.raw.loops[call.loops[-1]] if call.loops else None
    counter = _counter_of(loop) if loop is not None else None
    if loop is None or counter is None:
        return None
    for name in used:
        argument, _ = model.resolver.argument_for(helper, params[name], call, offset)
        if argument is None or not _is_name(argument, counter):
            continue
        node = cst.Lambda(params=cst.Parameters(params=[cst.Param(cst.Name(name))]), body=expr)
        try:
            function = ScheduleFunction(node, helper.scope, model.resolver)
            shape = classify(function, horizon=_loop_horizon(model, loop))
        except Unsupported:
            return None
        if shape is not None:
            return HelperSchedule(helper.name, counter, call, shape)
    return None
