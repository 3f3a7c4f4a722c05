"""Checkpoint dicts: what a `torch.save({...})` (or `fabric.save(path, {...})`) holds."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.collect import string_value
from warmlint.analysis.facts import CallSite, ScopeId
from warmlint.analysis.frameworks import FABRIC
from warmlint.analysis.model import Model, Optimizer, Scheduler

SAVE_FUNCTIONS = {"torch.save"}
SAVE_METHODS = {"save"}  # accelerator.save(...), fabric.save(...)


@dataclass
class CheckpointDict:
    node: cst.Dict | cst.Call  # the literal that is saved
    scope: ScopeId
    save: CallSite
    optimizer_key: str | None = None  # the key that holds the optimizer's state
    optimizer: Optimizer | None = None
    has_scheduler_state: bool = False
    # Every scheduler of the optimizer is stepped forward on resume (`for _ in range(start): s.step()`):
    # its position is rebuilt from the saved epoch, not from a saved state.
    schedule_replayed: bool = False
    # Fabric saves the objects themselves (`{"optimizer": optimizer}`), not their state_dict().
    holds_objects: bool = False


def _entries(node: cst.Dict | cst.Call):
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield string_value(element.key), element.value
    else:
        for arg in node.args:
            if arg.keyword is not None:
                yield arg.keyword.value, arg.value


def _state_dict_owner(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """`x` in `x.state_dict()`, also when the state is saved only if there is one
    (`x.state_dict() if x else None`)."""
    if isinstance(value, cst.IfExp):
        return _state_dict_owner(value.body) or _state_dict_owner(value.orelse)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "state_dict":
        return value.func.value
    return None


def checkpoint_dicts(model: Model) -> list[CheckpointDict]:
    found = []
    seen: set[int] = set()  # one dict saved by several calls (`last.pt`, `best.pt`) is one checkpoint
    for call in model.raw.calls:
        qualified = model.qualified(call) or ""
        method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
        if qualified not in SAVE_FUNCTIONS and not (method in SAVE_METHODS and "." in (call.callee or "")):
            continue
        holds_objects = isinstance(call.node.func, cst.Attribute) and (
            model.frameworks.kind_of(call.node.func.value, call.scope) == FABRIC
        )
        position = 1 if holds_objects else 0  # fabric.save(path, state)
        if len(call.node.args) <= position:
            continue
        saved = call.node.args[position].value
        scope = call.scope
        if not isinstance(saved, (cst.Dict, cst.Call)):
            origins = model.resolver.origins(saved, scope)
            if not origins or len(origins) != 1:
                continue
            saved, scope, _ = origins[0]
        if isinstance(saved, cst.Call) and model.raw.module.code_for_node(saved.func) != "dict":
            continue
        if not isinstance(saved, (cst.Dict, cst.Call)) or id(saved) in seen:
            continue
        seen.add(id(saved))
        checkpoint = CheckpointDict(saved, scope, call, holds_objects=holds_objects)
        for key, value in _entries(saved):
            owner = value if holds_objects else _state_dict_owner(value)
            if owner is None:
                continue
            optimizer = model.optimizer_for(owner, scope)
            if optimizer is not None:
                checkpoint.optimizer_key = key or model.raw.module.code_for_node(value)
                checkpoint.optimizer = optimizer
                schedulers = [s for s in optimizer.schedulers if s.parent is None]
                checkpoint.schedule_replayed = bool(schedulers) and all(_replayed(model, s) for s in schedulers)
            elif model.scheduler_for(owner, scope) is not None or _looks_like_scheduler(key):
                checkpoint.has_scheduler_state = True
        if not checkpoint.has_scheduler_state:
            checkpoint.has_scheduler_state = _added_later(model, call.node.args[position].value, call.scope)
        found.append(checkpoint)
    return found


def _looks_like_scheduler(key: str | None) -> bool:
    return key is not None and "sched" in key.lower()


def _added_later(model: Model, saved: cst.BaseExpression, scope: ScopeId) -> bool:
    """`ckpt["scheduler"] = scheduler.state_dict()` between building the dict and saving it."""
    name = model.raw.module.code_for_node(saved)
    return any(store_name == name and "sched" in key.lower() for store_name, key, _ in model.raw.subscript_stores)


def _replayed(model: Model, scheduler: Scheduler) -> bool:
    """A loop whose body is nothing but `s.step()`, where `s` is this scheduler or a wrapper built
    around it (`GradualWarmupScheduler(..., after_scheduler=cosine)`): a fast-forward on resume."""
    names = {name for _, name in scheduler.aliases}
    for call in scheduler.passed_to:
        names.update(t.value for t in call.targets if isinstance(t, cst.Name))
    for loop in model.raw.loops.values():
        if loop.node.orelse is not None or not isinstance(loop.node.body, cst.IndentedBlock):
            continue
        body = loop.node.body.body
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
            continue
        statement = body[0].body[0]
        if not (isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call)):
            continue
        func = statement.value.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "step"
            and isinstance(func.value, cst.Name)
            and func.value.value in names
        ):
            return True
    return False
