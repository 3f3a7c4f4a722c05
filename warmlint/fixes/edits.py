"""Fixes as data: edits keyed by the original CST node, applied in one transformer pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst

from warmlint.diagnostics import FixSafety

EditResult = cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel
NodeEdit = Callable[[cst.CSTNode], EditResult]
N = TypeVar("N", bound=cst.CSTNode)


@dataclass
class Edits:
    """Edits to apply to a module; each maps the updated node to its replacement."""

    by_node: dict[int, list[NodeEdit]] = field(default_factory=dict)
    imports: list[tuple[str, str | None]] = field(default_factory=list)  # (module, name) to ensure
    maybe_unused: list[tuple[str, str]] = field(default_factory=list)  # (module, name) to drop if now unused
    safety: FixSafety = FixSafety.SAFE
    binds: set[str] = field(default_factory=set)  # new names the fix introduces
    _nodes: list[cst.CSTNode] = field(default_factory=list)  # the nodes edited, for `footprint`

    def on(self, node: cst.CSTNode, edit: NodeEdit) -> None:
        if id(node) not in self.by_node:
            self._nodes.append(node)
        self.by_node.setdefault(id(node), []).append(edit)

    def on_same(self, node: N, edit: Callable[[N], EditResult]) -> None:
        """`on`, for an edit that reads fields of the node's own type (the transformer hands it the
        updated copy of `node`, which has that type)."""
        kind = type(node)

        def checked(updated: cst.CSTNode) -> EditResult:
            if not isinstance(updated, kind):
                raise TypeError(f"an edit of a {kind.__name__} was handed a {type(updated).__name__}")
            return edit(updated)

        self.on(node, checked)

    def insert_after(self, statement: cst.CSTNode, new: list[cst.BaseStatement]) -> None:
        self.on(statement, lambda updated: cst.FlattenSentinel([updated, *new]))

    def insert_before(self, statement: cst.CSTNode, new: list[cst.BaseStatement], blank_lines: int = 0) -> None:
        """Insert `new` before `statement`, which is then preceded by at least `blank_lines` blank lines
        (PEP 8 spacing after an inserted function: parsed code cannot carry blank lines at its end)."""
        self.on(statement, lambda updated: cst.FlattenSentinel([*new, spaced(updated, blank_lines)]))

    def replace(self, node: cst.CSTNode, new: cst.CSTNode) -> None:
        self.on(node, lambda updated: new)

    def remove(self, node: cst.CSTNode) -> None:
        self.on(node, lambda updated: cst.RemoveFromParent())

    def footprint(self) -> set[int]:
        """Every node an edit replaces or looks inside: two fixes whose footprints meet cannot be
        applied in one pass (one would work on the node the other rewrote)."""
        return {id(inner) for node in self._nodes for inner in _walk(node)}

    def merged(self, other: Edits) -> Edits:
        """Both fixes as one (for fixes that do not overlap)."""
        by_node = {key: list(edits) for key, edits in self.by_node.items()}
        for key, edits in other.by_node.items():
            by_node.setdefault(key, []).extend(edits)
        return Edits(
            by_node,
            [*self.imports, *other.imports],
            [*self.maybe_unused, *other.maybe_unused],
            FixSafety.UNSAFE if FixSafety.UNSAFE in (self.safety, other.safety) else FixSafety.SAFE,
            self.binds | other.binds,
            [*self._nodes, *other._nodes],
        )


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


def appended(elements, element):
    """`elements` (dict entries, parameters or arguments) with `element` after the last one, in
    their own layout: with a trailing comma, one per line stays one per line."""
    elements = list(elements)
    if not elements:
        return [element]
    last = elements[-1]
    if last.comma is cst.MaybeSentinel.DEFAULT:
        if len(elements) > 1:  # `f(a, b)`: the same separator again
            return [*elements[:-1], last.with_changes(comma=elements[-2].comma), element]
        return [last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), element]
    separator = _without_comment(elements[-2].comma if len(elements) > 1 else last.comma)
    return [*elements[:-1], last.with_changes(comma=separator), element.with_changes(comma=last.comma)]


def _without_comment(comma):
    """The separator, without a comment that followed it on its line (it belongs to that line only)."""
    after = getattr(comma, "whitespace_after", None)
    if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None:
        first_line = after.first_line.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return comma.with_changes(whitespace_after=after.with_changes(first_line=first_line))
    return comma


def spaced(statement: cst.CSTNode, blank_lines: int) -> cst.CSTNode:
    leading = list(getattr(statement, "leading_lines", ()))
    present = next((index for index, line in enumerate(leading) if line.comment is not None), len(leading))
    missing = blank_lines - present
    if missing <= 0:
        return statement
    return statement.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * missing + leading)


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: Edits) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        result = updated_node
        for edit in self.edits.by_node.get(id(original_node), ()):
            if isinstance(result, cst.FlattenSentinel):
                # A later edit of the same statement applies to the statement itself.
                result = cst.FlattenSentinel([edit(n) if n is updated_node else n for n in result.nodes])
            elif isinstance(result, cst.RemovalSentinel):
                break
            else:
                result = edit(result)
        if isinstance(result, cst.CSTNode) and _emptied(original_node, result):
            return cst.RemoveFromParent()
        if isinstance(result, cst.IndentedBlock):
            return _no_blank_start(original_node, result)
        return result


def _no_blank_start(original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
    """A block whose first statements were removed must not start with the blank line that
    separated them from the next one."""
    if not updated.body or not original.body:
        return updated
    first = updated.body[0]
    leading = list(getattr(first, "leading_lines", ()))
    if not leading or leading[0].comment is not None or _starts_blank(original.body[0]):
        return updated
    while leading and leading[0].comment is None:
        leading.pop(0)
    return updated.with_changes(body=[first.with_changes(leading_lines=leading), *updated.body[1:]])


def _starts_blank(statement: cst.CSTNode) -> bool:
    leading = list(getattr(statement, "leading_lines", ()))
    return bool(leading) and leading[0].comment is None


def _emptied(original: cst.CSTNode, updated: cst.CSTNode) -> bool:
    """A loop, branch, else part or with-block whose whole body the edits removed."""
    if not isinstance(original, (cst.For, cst.While, cst.If, cst.With, cst.Else)):
        return False
    if isinstance(updated, cst.Else):
        return len(updated.body.body) == 0 and len(original.body.body) > 0
    if not isinstance(updated, (cst.For, cst.While, cst.If, cst.With)):
        return False
    if getattr(updated, "orelse", None) is not None:
        return False
    body = updated.body
    return len(body.body) == 0 and len(original.body.body) > 0


def apply(module: cst.Module, edits: Edits) -> cst.Module:
    return module.visit(_Apply(edits))
