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
from typing import Any

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


# A compiled expression or statement: evaluated on the local names of one call.
_Expr = Callable[[dict[str, float]], float]
_Statement = Callable[[dict[str, float]], "float | None"]  # the value returned, or None to go on


class ScheduleFunction:
    """A `lambda s: ...` or `def f(s): ...` from the user's file, callable on a step number.

    The function is compiled once into Python closures, so the thousands of evaluations a
    shape needs do not walk the syntax tree again. What the evaluator does not model compiles
    to a closure that raises `Unsupported` when reached: a branch never taken does not matter.
    """

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
        defaults = {p.name.value: p.default for p in params[1:] if p.default is not None}
        if len(defaults) != len(params) - 1:
            raise Unsupported("has parameters without defaults")
        self._free: dict[str, float] = {}
        self._literals: list[float] = []  # every number the function mentions, for its horizon
        self._defaults = {name: self._compile(default) for name, default in defaults.items()}
        if isinstance(node, cst.Lambda):
            self._body: _Statement = self._compile(node.body)
        else:
            self._body = self._compile_block(node.body)

    # ---- evaluation -------------------------------------------------------
    def __call__(self, step: float) -> float:
        env = {self.step_name: float(step)}
        for name, default in self._defaults.items():
            env[name] = default({})
        result = self._body(env)
        if result is None:
            raise Unsupported("falls off the end without returning")
        return result

    def free_names(self) -> list[str]:
        """Names resolved from outside the function (after it has been evaluated)."""
        return list(self._free)

    def constants(self) -> list[float]:
        """Numbers the function mentions (literals and resolved free names): they bound its horizon."""
        return self._literals + list(self._free.values())

    # ---- statements -------------------------------------------------------
    def _compile_block(self, block: cst.BaseSuite) -> _Statement:
        if isinstance(block, cst.SimpleStatementSuite):  # `if s < w: return s / w` on one line
            statements = [self._compile_statement(small) for small in block.body]
        else:
            statements = []
            for statement in block.body:
                if isinstance(statement, cst.SimpleStatementLine):
                    statements += [self._compile_statement(small) for small in statement.body]
                elif isinstance(statement, cst.If):
                    statements.append(self._compile_if(statement))
                else:
                    statements.append(self._unsupported(statement, type(statement).__name__))

        def run(env: dict[str, float]) -> float | None:
            for statement in statements:
                returned = statement(env)
                if returned is not None:
                    return returned
            return None

        return run

    def _compile_statement(self, small: cst.BaseSmallStatement) -> _Statement:
        if isinstance(small, cst.Return):
            if small.value is None:
                return self._unsupported(small, "returns nothing")
            return self._compile(small.value)
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return self._assign(small.targets[0].target.value, self._compile(small.value))
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            return self._augmented(small.target, small)
        if isinstance(small, cst.Pass) or (
            isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return lambda env: None
        return self._unsupported(small, type(small).__name__)

    @staticmethod
    def _assign(name: str, value: _Expr) -> _Statement:
        def assign(env: dict[str, float]) -> None:
            env[name] = value(env)

        return assign

    def _augmented(self, target: cst.Name, small: cst.AugAssign) -> _Statement:
        name = target.value
        current, value = self._compile(target), self._compile(small.value)
        op_type = getattr(cst, type(small.operator).__name__.removesuffix("Assign"), None)
        op = op_type() if op_type else None

        def augment(env: dict[str, float]) -> None:
            left = current(env)
            result = arithmetic(op, left, value(env)) if op else None
            if result is None:
                raise Unsupported("augmented assignment")
            env[name] = result

        return augment

    def _compile_if(self, node: cst.If) -> _Statement:
        test, body = self._compile(node.test), self._compile_block(node.body)
        if isinstance(node.orelse, cst.If):
            orelse: _Statement | None = self._compile_if(node.orelse)
        elif isinstance(node.orelse, cst.Else):
            orelse = self._compile_block(node.orelse.body)
        else:
            orelse = None

        def branch(env: dict[str, float]) -> float | None:
            if test(env):
                return body(env)
            return orelse(env) if orelse is not None else None

        return branch

    def _unsupported(self, node: cst.CSTNode, reason: str) -> Callable[[dict[str, float]], float]:
        self._literals += [n for n in map(literal_number, _walk(node)) if n is not None]

        def fail(env: dict[str, float]) -> float:
            raise Unsupported(reason)

        return fail

    # ---- expressions ------------------------------------------------------
    def _compile(self, node: cst.BaseExpression) -> _Expr:
        number = literal_number(node)
        if number is not None:
            self._literals.append(number)
            return lambda env: number
        compile_kind = _EXPRESSIONS.get(type(node))
        if compile_kind is None:
            return self._unsupported(node, type(node).__name__)
        return compile_kind(self, node)

    def _name(self, node: cst.Name) -> _Expr:
        name, free = node.value, self._free_name(node)
        constant = float(name == "True") if name in ("True", "False") else None

        def read(env: dict[str, float]) -> float:
            value = env.get(name)
            if value is not None:
                return value
            return constant if constant is not None else free()

        return read

    def _attribute(self, node: cst.Attribute) -> _Expr:
        qualified = self.resolver.imports.qualify(dotted_name(node))
        if qualified and qualified.startswith("math.") and qualified[5:] in _MATH_CONSTANTS:
            constant = _MATH_CONSTANTS[qualified[5:]]
            return lambda env: constant
        free = self._free_name(node)
        return lambda env: free()

    def _unary(self, node: cst.UnaryOperation) -> _Expr:
        operand = self._compile(node.expression)
        operator_type = type(node.operator)

        def unary(env: dict[str, float]) -> float:
            value = operand(env)
            if operator_type is cst.Minus:
                return -value
            if operator_type is cst.Plus:
                return value
            if operator_type is cst.Not:
                return float(not value)
            raise Unsupported("unary operator")

        return unary

    def _binary(self, node: cst.BinaryOperation) -> _Expr:
        op, left, right = node.operator, self._compile(node.left), self._compile(node.right)

        def binary(env: dict[str, float]) -> float:
            result = arithmetic(op, left(env), right(env))
            if result is None:
                raise Unsupported("arithmetic")
            return result

        return binary

    def _boolean(self, node: cst.BooleanOperation) -> _Expr:
        left, right = self._compile(node.left), self._compile(node.right)
        if isinstance(node.operator, cst.And):
            return lambda env: right(env) if (value := left(env)) else value
        return lambda env: value if (value := left(env)) else right(env)

    def _comparison(self, node: cst.Comparison) -> _Expr:
        first = self._compile(node.left)
        targets = [(_COMPARE.get(type(t.operator)), self._compile(t.comparator)) for t in node.comparisons]

        def compare(env: dict[str, float]) -> float:
            left = first(env)
            for test, comparator in targets:
                if test is None:
                    raise Unsupported("comparison")
                right = comparator(env)
                if not test(left, right):
                    return 0.0
                left = right
            return 1.0

        return compare

    def _conditional(self, node: cst.IfExp) -> _Expr:
        test, body, orelse = self._compile(node.test), self._compile(node.body), self._compile(node.orelse)
        return lambda env: body(env) if test(env) else orelse(env)

    def _call(self, node: cst.Call) -> _Expr:
        if any(arg.keyword is not None or arg.star for arg in node.args):
            return self._unsupported(node, "keyword arguments")
        args = [self._compile(arg.value) for arg in node.args]
        callee = dotted_name(node.func)
        function: Callable[..., float] | None = None
        if callee in _BUILTINS and not self.resolver.lookup(self.free_scope, callee):
            function = _BUILTINS[callee]
        else:
            qualified = self.resolver.imports.qualify(callee)
            if qualified and qualified.startswith("math.") and qualified[5:] in _MATH:
                function = _MATH[qualified[5:]]

        def call(env: dict[str, float]) -> float:
            values = [arg(env) for arg in args]
            if function is None:
                raise Unsupported(f"call to {callee}")
            try:
                return float(function(*values))
            except (ValueError, OverflowError, TypeError) as error:
                raise Unsupported(str(error)) from None

        return call

    def _free_name(self, node: cst.BaseExpression) -> Callable[[], float]:
        """The value of a name from outside the function, resolved when first needed."""
        key = dotted_name(node) or ""

        def value() -> float:
            if key not in self._free:
                resolved = self.resolver.number(node, self.free_scope)
                if resolved is None:
                    if key not in self.assumed:
                        self.unresolved.append(key)
                        raise Unsupported(f"cannot resolve {key}")
                    self._free[key] = self.assumed[key]
                else:
                    self._free[key] = resolved.number
            return self._free[key]

        return value


_EXPRESSIONS: dict[type, Callable[[ScheduleFunction, Any], _Expr]] = {
    cst.Name: ScheduleFunction._name,
    cst.Attribute: ScheduleFunction._attribute,
    cst.UnaryOperation: ScheduleFunction._unary,
    cst.BinaryOperation: ScheduleFunction._binary,
    cst.BooleanOperation: ScheduleFunction._boolean,
    cst.Comparison: ScheduleFunction._comparison,
    cst.IfExp: ScheduleFunction._conditional,
    cst.Call: ScheduleFunction._call,
}


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
