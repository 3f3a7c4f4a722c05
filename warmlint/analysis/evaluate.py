"""A small, safe numeric evaluator for LR lambdas, and the shape of the schedule they give.

It knows arithmetic, comparisons, conditional expressions, `if/return` chains,
local assignments, `min/max/abs/float/int/round` and `math.cos/sin/exp/log/sqrt/pi`,
and nothing else. It never calls `eval` and never imports the user's code; free
names are resolved statically by `values.Resolver`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import libcst as cst

from warmlint.analysis.facts import ScopeId
from warmlint.analysis.names import dotted_name
from warmlint.analysis.phases import Phases, at_peak, phases
from warmlint.analysis.values import Resolver, arithmetic, literal_number


class Unsupported(Exception):
    """The function uses something the evaluator does not model: its shape is unknown."""


_BUILTINS: dict[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "float": float,
    "int": int,
    "round": round,
}
_MATH: dict[str, Callable[..., float]] = {
    "cos": math.cos,
    "sin": math.sin,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "floor": math.floor,
    "ceil": math.ceil,
    "pow": math.pow,
}
_MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf}
_COMPARE = {
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
}


class _Return(Exception):
    def __init__(self, value: float) -> None:
        self.value = value


class ScheduleFunction:
    """A `lambda s: ...` or `def f(s): ...` from the user's file, callable on a step number."""

    def __init__(
        self,
        node: cst.Lambda | cst.FunctionDef,
        scope: ScopeId,
        resolver: Resolver,
        free_scope: ScopeId | None = None,
        assumed: dict[str, float] | None = None,
    ) -> None:
        self.node = node
        self.resolver = resolver
        # Values taken for free names that do not resolve (a warmup length from a config file);
        # `unresolved` lists the names that needed one, so a caller can try several.
        self.assumed = assumed or {}
        self.unresolved: list[str] = []
        # Free names are looked up where the function is defined (or, for a def, in its own scope).
        self.free_scope = free_scope or scope
        params = node.params.params
        if not params:
            raise Unsupported("takes no step argument")
        self.step_name = params[0].name.value
        self.defaults = {p.name.value: p.default for p in params[1:] if p.default is not None}
        if len(self.defaults) != len(params) - 1:
            raise Unsupported("has parameters without defaults")
        self._free: dict[str, float] = {}

    # ---- evaluation -------------------------------------------------------
    def __call__(self, step: float) -> float:
        env = {self.step_name: float(step)}
        for name, default in self.defaults.items():
            env[name] = self._expr(default, {})
        if isinstance(self.node, cst.Lambda):
            return self._expr(self.node.body, env)
        try:
            self._block(self.node.body, env)
        except _Return as result:
            return result.value
        raise Unsupported("falls off the end without returning")

    def _block(self, block: cst.BaseSuite, env: dict[str, float]) -> None:
        if isinstance(block, cst.SimpleStatementSuite):  # `if s < w: return s / w` on one line
            for small in block.body:
                self._small(small, env)
            return
        for statement in block.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._small(small, env)
            elif isinstance(statement, cst.If):
                self._if(statement, env)
            else:
                raise Unsupported(type(statement).__name__)

    def _small(self, small: cst.BaseSmallStatement, env: dict[str, float]) -> None:
        if isinstance(small, cst.Return):
            if small.value is None:
                raise Unsupported("returns nothing")
            raise _Return(self._expr(small.value, env))
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            env[small.targets[0].target.value] = self._expr(small.value, env)
            return
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            current = self._expr(small.target, env)
            op = getattr(cst, type(small.operator).__name__.removesuffix("Assign"), None)
            result = arithmetic(op(), current, self._expr(small.value, env)) if op else None
            if result is None:
                raise Unsupported("augmented assignment")
            env[small.target.value] = result
            return
        if isinstance(small, (cst.Pass, cst.Expr)) and (
            isinstance(small, cst.Pass) or isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return
        raise Unsupported(type(small).__name__)

    def _if(self, node: cst.If, env: dict[str, float]) -> None:
        if self._expr(node.test, env):
            self._block(node.body, env)
        elif isinstance(node.orelse, cst.If):
            self._if(node.orelse, env)
        elif isinstance(node.orelse, cst.Else):
            self._block(node.orelse.body, env)

    def _expr(self, node: cst.BaseExpression, env: dict[str, float]) -> float:
        number = literal_number(node)
        if number is not None:
            return number
        if isinstance(node, cst.Name):
            if node.value in env:
                return env[node.value]
            if node.value in ("True", "False"):
                return float(node.value == "True")
            return self._free_name(node)
        if isinstance(node, cst.Attribute):
            qualified = self.resolver.imports.qualify(dotted_name(node))
            if qualified and qualified.startswith("math.") and qualified[5:] in _MATH_CONSTANTS:
                return _MATH_CONSTANTS[qualified[5:]]
            return self._free_name(node)
        if isinstance(node, cst.UnaryOperation):
            value = self._expr(node.expression, env)
            if isinstance(node.operator, cst.Minus):
                return -value
            if isinstance(node.operator, cst.Plus):
                return value
            if isinstance(node.operator, cst.Not):
                return float(not value)
            raise Unsupported("unary operator")
        if isinstance(node, cst.BinaryOperation):
            result = arithmetic(node.operator, self._expr(node.left, env), self._expr(node.right, env))
            if result is None:
                raise Unsupported("arithmetic")
            return result
        if isinstance(node, cst.BooleanOperation):
            left = self._expr(node.left, env)
            if isinstance(node.operator, cst.And):
                return self._expr(node.right, env) if left else left
            return left if left else self._expr(node.right, env)
        if isinstance(node, cst.Comparison):
            left = self._expr(node.left, env)
            for target in node.comparisons:
                compare = _COMPARE.get(type(target.operator))
                if compare is None:
                    raise Unsupported("comparison")
                right = self._expr(target.comparator, env)
                if not compare(left, right):
                    return 0.0
                left = right
            return 1.0
        if isinstance(node, cst.IfExp):
            return self._expr(node.body if self._expr(node.test, env) else node.orelse, env)
        if isinstance(node, cst.Call):
            return self._call(node, env)
        raise Unsupported(type(node).__name__)

    def _call(self, node: cst.Call, env: dict[str, float]) -> float:
        if any(arg.keyword is not None or arg.star for arg in node.args):
            raise Unsupported("keyword arguments")
        args = [self._expr(arg.value, env) for arg in node.args]
        callee = dotted_name(node.func)
        function: Callable[..., float] | None = None
        if callee in _BUILTINS and not self.resolver.lookup(self.free_scope, callee):
            function = _BUILTINS[callee]
        else:
            qualified = self.resolver.imports.qualify(callee)
            if qualified and qualified.startswith("math.") and qualified[5:] in _MATH:
                function = _MATH[qualified[5:]]
        if function is None:
            raise Unsupported(f"call to {callee}")
        try:
            result = float(function(*args))
        except (ValueError, OverflowError, TypeError) as error:
            raise Unsupported(str(error)) from None
        return result

    def _free_name(self, node: cst.BaseExpression) -> float:
        key = dotted_name(node) or ""
        if key not in self._free:
            value = self.resolver.number(node, self.free_scope)
            if value is None:
                if key not in self.assumed:
                    self.unresolved.append(key)
                    raise Unsupported(f"cannot resolve {key}")
                self._free[key] = self.assumed[key]
            else:
                self._free[key] = value.number
        return self._free[key]

    def free_names(self) -> list[str]:
        """Names resolved from outside the function (after it has been evaluated)."""
        return list(self._free)

    def constants(self) -> list[float]:
        """Numbers the function mentions (literals and resolved free names): they bound its horizon."""
        found: list[float] = []
        for node in _walk(self.node):
            number = literal_number(node)
            if number is not None:
                found.append(number)
        return found + list(self._free.values())


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


class ShapeKind(str, Enum):
    WARMUP_THEN_FLAT = "warmup then constant"
    RAMP = "rises until the end of the horizon"  # `step / warmup` with no clamp: a warmup that never ends
    WARMUP_THEN_DECAY = "warmup then decay"
    JUMP = "a low constant, then a jump to the peak"  # `lr = low if s < W else high`: a constant warmup
    DECAY_ONLY = "decay only"
    CONSTANT = "constant"
    OTHER = "other"


@dataclass(frozen=True)
class Shape:
    kind: ShapeKind
    start: float
    peak: float
    end: float
    horizon: int
    peak_step: int  # the first step at the peak: W, for a warmup
    phases: Phases


def sample_steps(horizon: int, dense: int = 64, growth: float = 1.08) -> list[int]:
    """Every early step up to `dense`, then geometrically spaced steps up to the horizon."""
    steps = list(range(min(horizon, dense) + 1))
    value = float(dense)
    while value < horizon:
        value *= growth
        steps.append(min(horizon, int(value)))
    return sorted(set(steps))


def _exact_steps(function: ScheduleFunction, values: list[tuple[int, float]], peak: float) -> list[tuple[int, float]]:
    """The samples, with the exact first step at the peak and the step before it added: the samples
    are spaced geometrically, so the step where a warmup ends (or jumps) can fall in a wide gap.
    Assumes the LR rises monotonically across that gap."""
    found = next(s for s, v in values if at_peak(v, peak))
    low = max((s for s, _ in values if s < found), default=found)
    high = found
    try:
        while high - low > 1:
            middle = (low + high) // 2
            if at_peak(function(middle), peak):
                high = middle
            else:
                low = middle
        extra = {high: function(high), high - 1: function(high - 1)} if high >= 1 else {}
    except (Unsupported, RecursionError):
        return values
    merged = dict(values) | extra
    return sorted(merged.items())


def shape_of(phases: Phases, constant: bool) -> ShapeKind:
    """The kind of schedule the phases describe."""
    if constant:
        return ShapeKind.CONSTANT
    if phases.starts_low and phases.jump is not None:
        return ShapeKind.JUMP
    if phases.warmup and phases.rises_to_the_end:
        return ShapeKind.RAMP
    if phases.warmup and phases.constant_tail:
        return ShapeKind.WARMUP_THEN_FLAT
    if phases.warmup and phases.decays:
        return ShapeKind.WARMUP_THEN_DECAY
    if not phases.starts_low and phases.decays:
        return ShapeKind.DECAY_ONLY
    return ShapeKind.OTHER


def classify(function: ScheduleFunction, coarse: bool = False, horizon: int | None = None) -> Shape | None:
    """Sample the function over the run length when it is known (`horizon`), else over a horizon
    derived from its constants, and read its phases; None if it cannot be evaluated."""
    try:
        function(0)
        for probe in (1_000, 1_000_000):  # reach every branch once, so every free name is resolved
            function(probe)
        constants = [abs(c) for c in function.constants() if math.isfinite(c)]
        if horizon is None:
            horizon = int(min(max(4 * max(constants, default=0), 200), 1_000_000))
        samples = sample_steps(horizon, 16, 1.25) if coarse else sample_steps(horizon)
        values = [(s, function(s)) for s in samples]
    except (Unsupported, RecursionError):
        return None
    numbers = [v for _, v in values]
    if not all(math.isfinite(v) for v in numbers) or max(numbers) <= 0:
        return None
    values = _exact_steps(function, values, max(numbers))
    found = phases(values)
    if found is None:
        return None
    first = values[0][1]
    constant = all(abs(v - first) <= 1e-9 * max(1.0, abs(first)) for _, v in values)
    return Shape(shape_of(found, constant), first, found.peak, found.end, horizon, found.peak_step, found)
