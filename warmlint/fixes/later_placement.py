"""Where a scheduler can be built later than it is, so that the names its new schedule needs are
defined: after their definitions, in the same block, when nothing in between touches the
optimizer or the scheduler (so the scheduler is still built before the first `optimizer.step()`,
and no code sees a different LR or scheduler than before).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.model import Model, Scheduler
from warmlint.analysis.run_length import available
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of, heads, names_in


@dataclass(frozen=True)
class Later:
    statement: cst.CSTNode  # the scheduler goes right after this statement
    order: int  # the source order there, for `available`


def later_place(model: Model, scheduler: Scheduler, needs: str) -> Later:
    """The last definition of a name `needs` reads, after the scheduler's statement; CannotFix with
    the reason where the scheduler cannot move there."""
    statement, scope, order = scheduler.call.statement, scheduler.call.scope, scheduler.call.order
    if statement is None or not scheduler.call.targets:
        raise CannotFix("the scheduler is not assigned to a name on its own line")
    body = _block_of(model.raw.module, statement)
    if body is None:
        raise CannotFix(f"`{needs}` is not defined where the scheduler is built")
    start = next(i for i, s in enumerate(body) if s is statement)
    bindings = [
        binding
        for head in sorted(heads(cst.parse_expression(needs)))
        for binding in model.raw.bindings_of(scope, head)
        if binding.order > order
    ]
    if not bindings:
        raise CannotFix(f"`{needs}` is not defined where the scheduler is built")
    last = start
    for binding in bindings:
        index = next((i for i in range(start + 1, len(body)) if _contains(body[i], binding.node)), None)
        if index is None:
            raise CannotFix(f"`{needs}` is defined only inside other code than the scheduler's block")
        last = max(last, index)
    later_order = max(binding.order for binding in bindings) + 1
    if not available(model, needs, scope, later_order):
        raise CannotFix(f"`{needs}` is not defined where the scheduler is built")
    touched = _touched_names(model, scheduler)
    local_functions = {f.name for f in model.raw.functions.values()}
    for between in body[start + 1 : last + 1]:
        used = names_in(between)
        if used & touched:
            name = sorted(used & touched)[0]
            raise CannotFix(f"`{needs}` is defined only after code that uses `{name}`: the scheduler cannot move there")
        if used & local_functions:
            name = sorted(used & local_functions)[0]
            raise CannotFix(f"`{needs}` is defined only after a call of {name}(), which may use the optimizer")
    return Later(body[last], later_order)


def _touched_names(model: Model, scheduler: Scheduler) -> set[str]:
    """The names of the scheduler and its optimizer in the scheduler's scope."""
    names = {code_of(target) for target in scheduler.call.targets}
    optimizer = scheduler.optimizer
    if optimizer is not None:
        names |= {name for scope, name in optimizer.aliases if scope == scheduler.call.scope}
    return {name.split(".")[0] for name in names}


def _block_of(module: cst.Module, statement: cst.CSTNode) -> list[cst.BaseStatement] | None:
    """The statements of the block (the module's or an indented one) that holds `statement`."""
    found: list[list[cst.BaseStatement]] = []

    class Find(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            body = node.body if isinstance(node, (cst.Module, cst.IndentedBlock)) else None
            if body is not None and any(s is statement for s in body):
                found.append(list(body))
                return False
            return not found

    module.visit(Find())
    return found[0] if found else None


def _contains(node: cst.CSTNode, inner: cst.CSTNode | None) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current is inner:
            return True
        stack.extend(current.children)
    return False
