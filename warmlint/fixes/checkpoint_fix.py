"""WL008's fix: save the scheduler's state beside the optimizer's, and load it where that is loaded."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.checkpoints import CheckpointDict
from warmlint.analysis.facts import BindingKind, CallSite
from warmlint.analysis.model import Scheduler
from warmlint.fixes.edits import appended
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import statements
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of


def scheduler_key(optimizer_key: str) -> str:
    """The key for the scheduler's state, in the style of the optimizer's key."""
    for old, new in (("optimizer", "scheduler"), ("Optimizer", "Scheduler"), ("optim", "sched"), ("opt", "sched")):
        if old in optimizer_key:
            return optimizer_key.replace(old, new, 1)
    return "scheduler"


def _scheduler_name(planner: Planner, saved: CheckpointDict, scope, order: int | None = None) -> str:
    """The name of the scheduler (of the saved optimizer) that is visible in `scope`."""
    model = planner.model
    optimizer = saved.optimizer
    candidates: list[Scheduler] = [
        s for s in model.schedulers if s.parent is None and (optimizer is None or s.optimizer in (optimizer, None))
    ]
    names = set()
    for scheduler in candidates:
        for alias_scope, name in scheduler.aliases:
            found = model.resolver.lookup(scope, name)
            if (
                found is not None
                and found[0] == alias_scope
                and (order is None or any(b.order < order or b.kind is BindingKind.PARAM for b in found[1]))
            ):
                names.add(name)
    if len(names) != 1:
        raise CannotFix("no single scheduler is visible where the checkpoint is saved or loaded")
    return names.pop()


def save_scheduler_state(planner: Planner, saved: CheckpointDict) -> None:
    key = scheduler_key(saved.optimizer_key or "optimizer")
    name = _scheduler_name(planner, saved, saved.scope)
    value = cst.parse_expression(name if saved.holds_objects else f"{name}.state_dict()")
    node = saved.node
    if isinstance(node, cst.Dict):
        element = cst.DictElement(cst.SimpleString(_quoted(key, node)), value)
        planner.edits.on_same(node, lambda updated: updated.with_changes(elements=appended(updated.elements, element)))
    else:
        argument = cst.Arg(
            value=value,
            keyword=cst.Name(key),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        planner.edits.on_same(node, lambda updated: updated.with_changes(args=[*updated.args, argument]))
    for load in _optimizer_loads(planner, saved):
        container = _loaded_container(load, saved.optimizer_key)
        if container is None or load.statement is None:
            raise CannotFix("the optimizer state is loaded in a way that cannot be mirrored")
        loader = _scheduler_name(planner, saved, load.scope, load.order)
        quoted = _quoted(key, node)
        # A checkpoint written before this fix has no scheduler state: resuming from it must not raise.
        guarded_load = f"if {quoted} in {container}:\n    {loader}.load_state_dict({container}[{quoted}])\n"
        planner.edits.insert_after(load.statement, statements(guarded_load))


def _quoted(key: str, node: cst.CSTNode) -> str:
    """Quote the key like the dict's other keys."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                quote = element.key.quote
                return f"{quote}{key}{quote}"
    return f'"{key}"'


def _optimizer_loads(planner: Planner, saved: CheckpointDict) -> list[CallSite]:
    if saved.optimizer is None or saved.holds_objects:
        return []  # fabric.load(path, state) restores every object the state holds
    return saved.optimizer.calls_of("load_state_dict")


def _loaded_container(load: CallSite, optimizer_key: str | None) -> str | None:
    """`ckpt` in `optimizer.load_state_dict(ckpt["optimizer"])`; None where the checkpoint is not a named value."""
    if not load.node.args:
        return None
    value = load.node.args[0].value
    if isinstance(value, cst.Subscript) and len(value.slice) == 1 and _named(value.value):
        return code_of(value.value)
    return None


def _named(expr: cst.BaseExpression) -> bool:
    """`ckpt`, `self.state` or `ckpt["train"]`: read twice by the guarded load, it must not load twice
    (`torch.load(path)["optimizer"]` would)."""
    if isinstance(expr, cst.Name):
        return True
    if isinstance(expr, cst.Attribute):
        return _named(expr.value)
    if isinstance(expr, cst.Subscript):
        return _named(expr.value) and all(
            isinstance(e.slice, cst.Index) and isinstance(e.slice.value, (cst.SimpleString, cst.Integer, cst.Name))
            for e in expr.slice
        )
    return False
