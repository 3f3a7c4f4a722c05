"""Which of two lengths is longer, when an unknown factor such as `len(loader)` appears in them.

A length is read as a product of factors; factors that resolve to numbers are multiplied out,
the others (`len(train_loader)`) are kept by their source text. A factor on both sides cancels
(`2 * len(loader)` against `3 * len(loader)`); one left on one side only is a number of batches,
at least 2 in a real run, so that side is the longer (`args.epochs` against
`args.epochs * len(train_loader)`). Any other mix is undecided.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.facts import ScopeId
from warmlint.analysis.model import Model
from warmlint.analysis.values import Resolver
from warmlint.syntax import code_of

_BATCH_COUNT = "len("  # an unknown factor of this form counts batches: at least 2


class Order(enum.Enum):
    SHORTER = "shorter"
    EQUAL = "equal"
    LONGER = "longer"


@dataclass(frozen=True)
class _Product:
    number: float
    unknown: Counter[str]


def _product(model: Model, expr: cst.BaseExpression, scope: ScopeId) -> _Product | None:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Multiply):
        left, right = _product(model, expr.left, scope), _product(model, expr.right, scope)
        if left is None or right is None:
            return None
        return _Product(left.number * right.number, left.unknown + right.unknown)
    value = model.resolver.number(expr, scope)
    if value is not None:
        return _Product(value.number, Counter())
    text = code_of(expr.with_changes(lpar=[], rpar=[]))
    if not text.startswith(_BATCH_COUNT):
        return None  # only a count of batches is known to be a positive whole number
    return _Product(1.0, Counter([text]))


def compare(model: Model, first: str, second: str, scope: ScopeId) -> Order | None:
    """How `first` compares to `second` (both source text valid in `scope`), or None if undecided."""
    try:
        a = _product(model, cst.parse_expression(first), scope)
        b = _product(model, cst.parse_expression(second), scope)
    except cst.ParserSyntaxError:
        return None
    if a is None or b is None or a.number <= 0 or b.number <= 0:
        return None
    common = a.unknown & b.unknown
    only_a, only_b = a.unknown - common, b.unknown - common
    if not only_a and not only_b:
        return Order.SHORTER if a.number < b.number else Order.LONGER if a.number > b.number else Order.EQUAL
    if only_a and not only_b and a.number >= b.number:
        return Order.LONGER
    if only_b and not only_a and b.number >= a.number:
        return Order.SHORTER
    return None


def solve_batch_count(model: Model, length: str, scope: ScopeId, total: int) -> tuple[str, float] | None:
    """The one unknown `len(...)` in `length` that makes it `total` (a run measured it), as
    (its source text, its smallest whole value that does): `epochs * len(loader)`, also under an
    accumulation factor (`epochs * (len(loader) // accum)`), where the length grows with it."""
    try:
        expr = cst.parse_expression(length)
    except cst.ParserSyntaxError:
        return None
    unknown = {code_of(node) for node in _walk(expr) if _is_len_call(node)}
    unknown = {text for text in unknown if model.resolver.number(cst.parse_expression(text), scope) is None}
    if len(unknown) != 1:
        return None
    (text,) = unknown

    def length_with(count: int) -> float | None:
        found = Resolver(model.raw, model.imports, {text: float(count)}).number(expr, scope)
        return found.number if found is not None else None

    low, high = 1, 1
    while (value := length_with(high)) is not None and value < total and high < _MAX_BATCHES:
        low, high = high, high * 2
    if value is None or value < total:
        return None
    while low < high:  # the smallest count whose length reaches `total`
        middle = (low + high) // 2
        found = length_with(middle)
        if found is None:
            return None
        low, high = (middle + 1, high) if found < total else (low, middle)
    return (text, float(low)) if length_with(low) == total else None


_MAX_BATCHES = 1 << 24


def _is_len_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len"


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)
