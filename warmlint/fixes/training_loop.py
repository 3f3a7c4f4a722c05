"""Where the optimizer steps, and how long training is: the facts a schedule fix needs.

From an optimizer, find its `step()` calls, the loops around them (also through
calls to functions defined in the same file), and derive the number of
optimizer steps `T` as an expression that is valid where the scheduler goes:
`epochs * len(train_loader)` for a batch loop inside an epoch loop, `max_steps`
for a single step loop, divided by the accumulation factor under an
`if (i + 1) % accum == 0` guard.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.facts import CallSite, Loop, ScopeId
from warmlint.analysis.model import Model, Optimizer
from warmlint.analysis.names import dotted_name

_ITER_WRAPPERS = {"enumerate", "tqdm", "tqdm.tqdm", "iter", "progress_bar", "track"}
_BUILTINS = {"len", "min", "max", "int", "float", "round", "math"}


class CannotFix(Exception):
    """Why a fix cannot be made safely; the text follows "no automatic fix: "."""


@dataclass
class Placement:
    total_steps: str | None  # source of T, valid at the insertion point; None when configured
    before: cst.CSTNode | None  # insert before this statement...
    after: cst.CSTNode | None  # ...or after this one
    scope: ScopeId
    order: int  # source order of the insertion point


def call_path(model: Model, site: CallSite, home: ScopeId) -> list[CallSite]:
    """Calls leading from the home scope down to `site`'s function (outermost first)."""
    path: list[CallSite] = []
    scope = site.scope
    while scope != home:
        function = model.raw.functions.get(scope)
        if function is None or len(path) > 4:
            raise CannotFix("optimizer.step() is not reached from where the optimizer is built")
        sites = model.resolver.calls_to(function)
        if len(sites) != 1:
            raise CannotFix(f"{function.name}(), which calls optimizer.step(), is called from "
                            f"{len(sites) or 'no'} place{'s' if len(sites) != 1 else ''} in this file")
        path.insert(0, sites[0][0])
        scope = sites[0][0].scope
    return path


def lift(model: Model, expr: cst.BaseExpression, scope: ScopeId, home: ScopeId) -> cst.BaseExpression:
    """Rewrite `expr`, valid in `scope`, into an expression valid in `home` (parameters -> arguments)."""
    while scope != home:
        function = model.raw.functions[scope]
        call, offset = model.resolver.calls_to(function)[0]
        mapping = {}
        for param in function.params:
            argument, ok = model.resolver.argument_for(function, param, call, offset)
            if ok and argument is not None:
                mapping[param.name.value] = argument
            elif param.default is not None:
                mapping[param.name.value] = param.default
        for head in heads(expr):
            if head in mapping:
                continue
            found = model.resolver.lookup(scope, head)
            if found and found[0] == scope:
                raise CannotFix(f"`{head}` is local to {function.name}()")
        expr = _substitute(expr, mapping)
        scope = call.scope
    return expr


def heads(expr: cst.BaseExpression) -> set[str]:
    """The free names an expression reads (heads of dotted names)."""
    names: set[str] = set()

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif isinstance(node, cst.Attribute):
            walk(node.value)
        elif isinstance(node, (cst.Lambda, cst.GeneratorExp, cst.ListComp, cst.DictComp, cst.SetComp)):
            raise CannotFix("the length of training is computed by a comprehension or lambda")
        else:
            for child in node.children:
                walk(child)

    walk(expr)
    return names


class _Substitute(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.mapping = mapping
        self._attr_names: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attr_names.add(id(node.attr))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name):
        if id(original_node) in self._attr_names or original_node.value not in self.mapping:
            return updated_node
        return self.mapping[original_node.value]


def _substitute(expr: cst.BaseExpression, mapping) -> cst.BaseExpression:
    return expr.visit(_Substitute(mapping)) if mapping else expr


def _unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(expr, cst.Call) and dotted_name(expr.func) in _ITER_WRAPPERS and expr.args \
            and expr.args[0].keyword is None:
        expr = expr.args[0].value
    return expr


def _range_length(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    if not (isinstance(expr, cst.Call) and dotted_name(expr.func) == "range"):
        return None
    args = [a.value for a in expr.args]
    if len(args) == 1:
        return args[0]
    if len(args) == 2:
        start = args[0]
        if isinstance(start, cst.Integer) and start.value == "0":
            return args[1]
        return cst.parse_expression(f"({code_of(args[1])} - {code_of(start)})")
    return None


def code_of(expr: cst.CSTNode) -> str:
    """Source text of a node (outside its module)."""
    return cst.Module(body=[]).code_for_node(expr)


def _accumulation(site: CallSite) -> cst.BaseExpression | None:
    """`A` when the step sits under `if (i + 1) % A == 0`."""
    for branch in reversed(site.branches):
        test = branch.test
        if branch.in_body and isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
                and isinstance(test.comparisons[0].operator, cst.Equal):
            left = test.left
            if isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Modulo):
                return left.right
    return None


def parenthesized(code: str) -> str:
    expr = cst.parse_expression(code)
    return f"({code})" if isinstance(expr, (cst.BinaryOperation, cst.IfExp, cst.BooleanOperation)) else code


def total_steps(model: Model, optimizer: Optimizer, site: CallSite, home: ScopeId) -> tuple[str, Loop]:
    """T as source valid in `home`, and the outermost training loop it was derived from."""
    path = call_path(model, site, home)
    loops: list[tuple[Loop, ScopeId]] = []
    for call in [*path, site]:
        loops += [(model.raw.loops[i], call.scope) for i in call.loops]
    if not loops:
        raise CannotFix("no training loop around optimizer.step() was found")
    batch = epochs = None
    for loop, scope in reversed(loops):
        if not isinstance(loop.node, cst.For):
            continue
        iterable = _unwrap(loop.node.iter)
        length = _range_length(iterable)
        if batch is None and epochs is None and length is None:
            batch = lift(model, iterable, scope, home)
        elif length is not None and epochs is None:
            epochs = lift(model, length, scope, home)
    if batch is not None and epochs is not None:
        total = f"{parenthesized(code_of(epochs))} * len({code_of(batch)})"
    elif batch is not None:
        total = f"len({code_of(batch)})"
    elif epochs is not None:
        total = code_of(epochs)
    else:
        total = _while_bound(model, loops, home)
    accumulation = _accumulation(site)
    if accumulation is not None:
        factor = lift(model, accumulation, site.scope, home)
        total = f"({total}) // {parenthesized(code_of(factor))}"
    return total, loops[0][0]


def _while_bound(model: Model, loops, home: ScopeId) -> str:
    for loop, scope in loops:
        test = loop.node.test if isinstance(loop.node, cst.While) else None
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
                and isinstance(test.comparisons[0].operator, (cst.LessThan, cst.LessThanEqual)):
            return code_of(lift(model, test.comparisons[0].comparator, scope, home))
    raise CannotFix("cannot tell how many steps training runs (pass --total-steps N)")


def available(model: Model, expr_code: str, scope: ScopeId, order: int) -> bool:
    """Every name the expression reads is bound in `scope` before `order` (or is a global/builtin)."""
    for head in heads(cst.parse_expression(expr_code)):
        if head in _BUILTINS:
            continue
        found = model.resolver.lookup(scope, head)
        if found is None:
            return False
        where, bindings = found
        if where == scope and not any(b.order < order or b.kind == "param" for b in bindings):
            return False
    return True


def place(model: Model, optimizer: Optimizer, configured_total: int | None) -> tuple[Placement, list[CallSite]]:
    """Where to put the scheduler so that every name it needs is defined, and the step sites."""
    statement = optimizer.call.statement
    if statement is None or not optimizer.call.targets:
        raise CannotFix("the optimizer is not assigned to a name on its own line")
    home = optimizer.call.scope
    sites = optimizer.steps
    if not sites:
        raise CannotFix("optimizer.step() is never called in this file")
    after = Placement(None, None, statement, home, optimizer.call.order)
    if configured_total is not None:
        return after, sites
    total, outer_loop = _total_over_sites(model, optimizer, sites, home)
    if available(model, total, home, optimizer.call.order):
        after.total_steps = total
        return after, sites
    path = call_path(model, sites[0], home)
    anchor_order = path[0].order if path else outer_loop.order
    anchor = _home_statement(model, path[0] if path else None, outer_loop, home)
    if anchor is None or anchor_order < optimizer.call.order or not available(model, total, home, anchor_order):
        raise CannotFix(f"cannot place the scheduler where `{total}` is defined")
    return Placement(total, anchor, None, home, anchor_order), sites


def _total_over_sites(model: Model, optimizer: Optimizer, sites: list[CallSite], home: ScopeId) -> tuple[str, Loop]:
    """T summed over every place the optimizer steps (e.g. a warmup loop, then the main loop)."""
    parts: list[str] = []
    first_loop = None
    for site in sites:
        total, loop = total_steps(model, optimizer, site, home)
        first_loop = first_loop or loop
        if total not in parts:
            parts.append(total)
    return " + ".join(parts), first_loop


def _home_statement(model: Model, call: CallSite | None, outer_loop: Loop, home: ScopeId) -> cst.CSTNode | None:
    """The statement in the home scope that starts the training: the outer loop or the call into it."""
    if call is not None:
        if call.loops:
            return model.raw.loops[call.loops[0]].node
        return call.statement
    if outer_loop.scope != home:
        return None
    while outer_loop.parent is not None:
        outer_loop = model.raw.loops[outer_loop.parent]
    return outer_loop.node
