"""How many optimizer steps a training run takes: `T`, from the loops around `optimizer.step()`.

Every loop that encloses the step counts, also through calls to functions defined in the same
file: `for epoch in range(config["epochs"]): for _ in range(100):` runs `config["epochs"] * 100`
steps, never 100. `T` is written in the script's own names, valid where the optimizer is built,
so code written from it stays right when a flag changes; it is also a number when every part
resolves. When the count of any enclosing loop cannot be written (a `break`, a `while` whose
counter is not known, an iterator with no length), `T` is unknown, never silently shorter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.accumulation import AccumulationGuard, accumulation_guard
from warmlint.analysis.facts import BindingKind, CallSite, ExitKind, Loop, LoopExit, ScopeId
from warmlint.analysis.model import Lifetime, Model, Optimizer, Scheduler
from warmlint.analysis.names import dotted_name
from warmlint.analysis.units import StepUnit
from warmlint.syntax import Unresolved, code_of, heads, parenthesized

_ITER_WRAPPERS = {"enumerate", "tqdm", "tqdm.tqdm", "iter", "progress_bar", "track", "tqdm.auto.tqdm"}
_BUILTINS = {"len", "min", "max", "int", "float", "round", "math"}
_MAX_CALL_DEPTH = 4


@dataclass(frozen=True)
class RunLength:
    """`T` for one optimizer: source valid in `home`, and its value when every part resolves."""

    text: str
    value: float | None
    home: ScopeId
    outer_loop: Loop  # the outermost loop of the first place the optimizer steps
    accumulation: str | None = None  # `A` when the step sits under `if (i + 1) % A == 0`
    sources: tuple[str, ...] = ()  # where resolved parts came from (`--max-steps default`)

    def __str__(self) -> str:
        return self.text if self.value is None else f"{self.text} (= {self.value:g})"


def call_path(model: Model, site: CallSite, home: ScopeId) -> list[CallSite]:
    """Calls leading from the home scope down to `site`'s function (outermost first)."""
    path: list[CallSite] = []
    scope = site.scope
    while scope != home:
        function = model.raw.functions.get(scope)
        if function is None or len(path) > _MAX_CALL_DEPTH:
            raise Unresolved("optimizer.step() is not reached from where the optimizer is built")
        sites = model.resolver.calls_to(function)
        if len(sites) != 1:
            raise Unresolved(
                f"{function.name}(), which calls optimizer.step(), is called from "
                f"{len(sites) or 'no'} place{'s' if len(sites) != 1 else ''} in this file"
            )
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
                raise Unresolved(f"`{head}` is local to {function.name}()")
        expr = _substitute(expr, mapping)
        scope = call.scope
    return expr


def available(model: Model, expr_code: str, scope: ScopeId, order: int) -> bool:
    """Every name the expression reads is bound in `scope` before `order` (or is a global/builtin)."""
    for head in heads(cst.parse_expression(expr_code)):
        if head in _BUILTINS:
            continue
        found = model.resolver.lookup(scope, head)
        if found is None:
            return False
        where, bindings = found
        if where == scope and not any(b.order < order or b.kind is BindingKind.PARAM for b in bindings):
            return False
    return True


class _Substitute(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.mapping = mapping
        self._attr_names: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attr_names.add(id(node.attr))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self._attr_names or original_node.value not in self.mapping:
            return updated_node
        return self.mapping[original_node.value]


def _substitute(expr: cst.BaseExpression, mapping: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
    if not mapping:
        return expr
    substituted = expr.visit(_Substitute(mapping))
    # _Substitute only swaps names for expressions: it never removes or flattens a node.
    assert isinstance(substituted, cst.BaseExpression)
    return substituted


@dataclass(frozen=True)
class _Count:
    """One loop's trip count: `expr` valid in `scope`; `covers_inner` when it already counts every
    optimizer step of the loops inside it (`while it < max_iters` with `it += 1` next to the step)."""

    expr: cst.BaseExpression
    scope: ScopeId
    covers_inner: bool = False


# Lightning's own count of the optimizer steps a `fit` will take, valid inside configure_optimizers.
LIGHTNING_TOTAL = "self.trainer.estimated_stepping_batches"


def framework_run_length(scheduler: Scheduler) -> str | None:
    """`T` of a run the framework steps, as code the framework evaluates: for a scheduler that
    Lightning steps every optimizer step, its trainer's estimate. None where the file must say."""
    if (
        scheduler.lightning_interval is StepUnit.OPTIMIZER_STEP
        and scheduler.optimizer is not None
        and not scheduler.optimizer.steps
    ):
        return LIGHTNING_TOTAL
    return None


def no_steps_reason(optimizer: Optimizer) -> str:
    """Why `T` cannot be read for an optimizer whose `step()` this file never calls."""
    if optimizer.lifetime is Lifetime.FRAMEWORK:
        return (
            "a framework (Lightning, a Trainer) steps the optimizer, so the run length is not in this file: "
            "pass --total-steps N (or set total-steps in [tool.warmlint.fix])"
        )
    return "optimizer.step() is never called in this file"


def run_length(model: Model, optimizer: Optimizer, home: ScopeId | None = None) -> RunLength:
    """`T` summed over every place the optimizer steps (a warmup loop, then the main loop)."""
    home = home or optimizer.call.scope
    sites = optimizer.steps
    if not sites:
        raise Unresolved(no_steps_reason(optimizer))
    parts = [site_length(model, site, home) for site in sites]
    distinct = {part.text: part.value for part in parts}  # two step calls in one loop: one run
    values = [v for v in distinct.values() if v is not None]
    value = sum(values) if len(values) == len(distinct) else None
    sources = tuple(dict.fromkeys(source for part in parts for source in part.sources))
    return RunLength(" + ".join(distinct), value, home, parts[0].outer_loop, parts[0].accumulation, sources)


def site_length(model: Model, site: CallSite, home: ScopeId) -> RunLength:
    """`T` for one optimizer.step() call: the product of the trip counts of every enclosing loop."""
    path = call_path(model, site, home)
    loops: list[tuple[Loop, ScopeId]] = []
    for call in [*path, site]:
        loops += [(model.raw.loops[i], call.scope) for i in call.loops]
    if not loops:
        raise Unresolved("no training loop around optimizer.step() was found")
    innermost = loops[-1][0]
    guard = accumulation_guard(site)
    per_pass = guard is not None and bool(site.loops) and _counts_passes_of(guard, innermost)
    factors: list[tuple[cst.BaseExpression, ScopeId]] = []
    for loop, _ in loops:
        count = _trip_count(model, loop, innermost)
        expr = count.expr
        if per_pass and loop is innermost:
            assert guard is not None
            expr = _updates_per_pass(expr, guard)
        factors.append((expr, count.scope))
        if count.covers_inner:
            break
    texts = [code_of(lift(model, expr, scope, home)) for expr, scope in factors]
    text = " * ".join(parenthesized(t) if len(texts) > 1 else t for t in texts)
    numbers = [model.resolver.number(expr, scope) for expr, scope in factors]
    known = [n.number for n in numbers if n is not None]
    value = math.prod(known) if len(known) == len(numbers) else None
    accumulation_text = None
    if guard is not None:
        accumulation_text = code_of(lift(model, guard.factor, site.scope, home))
    if guard is not None and accumulation_text is not None and not per_pass:  # a counter across passes
        text = f"{parenthesized(text)} // {parenthesized(accumulation_text)}"
        factor = model.resolver.number(guard.factor, site.scope)
        value = value // factor.number if value is not None and factor and factor.number > 0 else None
        numbers.append(factor)
    sources = tuple(dict.fromkeys(n.source for n in numbers if n is not None and n.source))
    return RunLength(text, value, home, loops[0][0], accumulation_text, sources)


def _counts_passes_of(guard: AccumulationGuard, loop: Loop) -> bool:
    """The guard's counter is `i` of `for i, ... in enumerate(...)`: it starts again at 0 on every
    pass of the loops outside, so each pass makes its own updates and drops its remainder."""
    counter = guard.counter
    node = loop.node
    if counter is None or not isinstance(node, cst.For) or not isinstance(node.target, cst.Tuple):
        return False
    first = node.target.elements[0].value if node.target.elements else None
    iterable = node.iter
    return (
        isinstance(first, cst.Name)
        and first.value == counter[0]
        and isinstance(iterable, cst.Call)
        and dotted_name(iterable.func) == "enumerate"
        and len(iterable.args) == 1
        and iterable.args[0].keyword is None
    )


def _updates_per_pass(count: cst.BaseExpression, guard: AccumulationGuard) -> cst.BaseExpression:
    """Updates in one pass of `count` micro-batches: at `i + 1 = A, 2A, ...`, or at `i = 0, A, ...`."""
    counter = guard.counter
    assert counter is not None
    n, a = parenthesized(code_of(count)), parenthesized(code_of(guard.factor))
    return cst.parse_expression(f"{n} // {a}" if counter[1] else f"({n} + {a} - 1) // {a}")


@dataclass(frozen=True)
class LoopCount:
    """How many times one loop runs, as written in its own scope, and as a number when it resolves."""

    text: str
    value: float | None


def loop_count(model: Model, loop: Loop) -> LoopCount:
    """The trip count of one loop (an epoch loop, say); raises Unresolved when it cannot be counted."""
    count = _trip_count(model, loop, loop)
    value = model.resolver.number(count.expr, count.scope)
    return LoopCount(code_of(count.expr), value.number if value else None)


def _trip_count(model: Model, loop: Loop, innermost: Loop) -> _Count:
    exits = [e for e in model.raw.loop_exits if e.loops and e.loops[-1] == loop.id]
    if isinstance(loop.node, cst.For):
        if any(e.kind is ExitKind.BREAK for e in exits):
            raise Unresolved(f"a `break` can end `for ... in {loop.iter_text}` early")
        iterable = _unwrap(loop.node.iter)
        length = _range_length(iterable)
        if length is not None:
            return _Count(length, loop.scope)
        if dotted_name(iterable) is not None:
            return _Count(cst.parse_expression(f"len({code_of(iterable)})"), loop.scope)
        raise Unresolved(f"cannot count the iterations of `for ... in {loop.iter_text}`")
    return _while_count(model, loop, innermost, exits)


def _while_count(model: Model, loop: Loop, innermost: Loop, exits: list[LoopExit]) -> _Count:
    """`while it < N` (or `while True` with `if it >= N: break`), counting one step per `it += 1`."""
    assert isinstance(loop.node, cst.While)
    bound = _bound(loop.node.test, lower_is_running=True)
    breaks = [e for e in exits if e.kind is ExitKind.BREAK]
    if bound is None and isinstance(loop.node.test, cst.Name) and loop.node.test.value == "True" and len(breaks) == 1:
        bound = next(
            (
                b
                for branch in breaks[0].branches
                if branch.in_body
                if (b := _bound(branch.test, lower_is_running=False)) is not None
            ),
            None,
        )
    elif breaks:
        raise Unresolved(f"a `break` can end `while {loop.iter_text}` early")
    if bound is None:
        raise Unresolved(f"cannot count the iterations of `while {loop.iter_text}` (pass --total-steps N)")
    counter, limit = bound
    steps_with = [
        e
        for e in model.raw.loop_exits
        if e.kind is ExitKind.INCREMENT and e.name == counter and e.scope == loop.scope and loop.id in e.loops
    ]
    if not steps_with:
        raise Unresolved(f"`{counter}` never grows inside `while {loop.iter_text}`")
    covers_inner = all(e.loops[-1] == innermost.id for e in steps_with)
    if not covers_inner and not all(e.loops[-1] == loop.id for e in steps_with):
        raise Unresolved(f"cannot tell what `{counter}` counts in `while {loop.iter_text}`")
    return _Count(limit, loop.scope, covers_inner=covers_inner)


def _bound(test: cst.BaseExpression, lower_is_running: bool) -> tuple[str, cst.BaseExpression] | None:
    """(`it`, `N`) for `it < N` when the loop runs while it holds, or for `it >= N` when it stops."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    counter = dotted_name(test.left)
    running = (cst.LessThan, cst.LessThanEqual) if lower_is_running else (cst.GreaterThanEqual, cst.GreaterThan)
    if counter is None or not isinstance(operator, running):
        return None
    return counter, test.comparisons[0].comparator


def _unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    while (
        isinstance(expr, cst.Call)
        and dotted_name(expr.func) in _ITER_WRAPPERS
        and expr.args
        and expr.args[0].keyword is None
    ):
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
