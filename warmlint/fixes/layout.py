"""Lines a fix wrote that pass the line length are broken as `ruff format` breaks them.

A fix builds a statement without knowing how deep it will be indented, so the check happens on
the fixed module: a one-line statement longer than `MAX_LINE` that the original file did not
have gets the arguments of its outermost call one per line, with a trailing comma (the layout
ruff and black keep once it is written: the "magic trailing comma"). An argument line that is
still too long has its own call broken the same way. The user's own long lines are left alone.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

MAX_LINE = 120  # ruff's and black's common project setting; the formatter tests check it


def wrap_long_lines(fixed: cst.Module, original: cst.Module) -> cst.Module:
    """`fixed` with the long statements the fixes wrote broken over several lines."""
    known = {line.strip() for line in original.code.splitlines()}
    if all(len(line) <= MAX_LINE or line.strip() in known for line in fixed.code.splitlines()):
        return fixed
    return cast(cst.Module, fixed.visit(_Wrap(fixed, known)))


class _Wrap(cst.CSTTransformer):
    def __init__(self, module: cst.Module, known: set[str]) -> None:
        super().__init__()
        self.module = module
        self.known = known
        self.indents: list[str] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.append(node.indent if node.indent is not None else self.module.default_indent)

    def leave_IndentedBlock(self, original_node, updated_node):
        self.indents.pop()
        return updated_node

    def leave_SimpleStatementLine(self, original_node, updated_node):
        indent = "".join(self.indents)
        line = self.module.code_for_node(updated_node.with_changes(leading_lines=()))
        text = line.rstrip("\r\n")
        if "\n" in text or len(indent) + len(text) <= MAX_LINE or text.strip() in self.known:
            return updated_node
        if len(updated_node.body) != 1:
            return updated_node
        call = _outer_call(updated_node.body[0])
        if call is None or not call.args:
            return updated_node
        step = self.module.default_indent
        wrapped = _one_per_line(call, indent, step, self.module)
        return updated_node.deep_replace(call, wrapped)


def _outer_call(statement: cst.BaseSmallStatement) -> cst.Call | None:
    value = getattr(statement, "value", None)
    return value if isinstance(value, cst.Call) else None


def _one_per_line(call: cst.Call, indent: str, step: str, module: cst.Module) -> cst.Call:
    """`call` with each argument on a line of its own, one level deeper than `indent`."""
    inner = indent + step
    args = []
    for index, arg in enumerate(call.args):
        last = index == len(call.args) - 1
        value = arg.value
        arg_line = inner + module.code_for_node(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) + ","
        if isinstance(value, cst.Call) and value.args and len(arg_line) > MAX_LINE:
            value = _one_per_line(value, inner, step, module)
        after = _newline(indent if last else inner)
        args.append(arg.with_changes(value=value, comma=cst.Comma(whitespace_after=after)))
    return call.with_changes(whitespace_before_args=_newline(inner), args=args)


def _newline(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=False, last_line=cst.SimpleWhitespace(indent)
    )
