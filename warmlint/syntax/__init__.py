"""Helpers over libcst nodes that every layer uses: a node's source text, and the exception for
a fact the file does not establish. Nothing here reads the training-run model."""

from __future__ import annotations

import libcst as cst


class Unresolved(Exception):
    """A fact the file does not establish; the text says which and why."""


def code_of(expr: cst.CSTNode) -> str:
    """Source text of a node (outside its module)."""
    return cst.Module(body=[]).code_for_node(expr)


def parenthesized(code: str) -> str:
    expr = cst.parse_expression(code)
    return f"({code})" if isinstance(expr, (cst.BinaryOperation, cst.IfExp, cst.BooleanOperation)) else code


def names_in(node: cst.CSTNode) -> set[str]:
    """Every name written anywhere inside a node (attributes' and keywords' names included)."""
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
        stack.extend(current.children)
    return names


def heads(expr: cst.BaseExpression) -> set[str]:
    """The free names an expression reads (heads of dotted names)."""
    names: set[str] = set()

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif isinstance(node, cst.Attribute):
            walk(node.value)
        elif isinstance(node, (cst.Lambda, cst.GeneratorExp, cst.ListComp, cst.DictComp, cst.SetComp)):
            raise Unresolved("the length of training is computed by a comprehension or lambda")
        else:
            for child in node.children:
                walk(child)

    walk(expr)
    return names
