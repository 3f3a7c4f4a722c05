"""The statements a fix wrote, in the project's style: its line length and its quotes.

A fix builds a statement without knowing how deep it will be indented, so the layout happens on
the fixed module, for the statements the original file did not have (new ones, and the user's
statements a fix changed); the user's own lines are left alone.

- A string a fix wrote is quoted as most of the file's strings are (docstrings keep their triple
  double quotes, as ruff and black keep them); a docstring too long for one line is wrapped.
- A one-line statement longer than the line length is broken as `ruff format` (and black) break
  it: at its last bracket, with the contents on one indented line when they fit there, else one
  element per line with a trailing comma, each element broken the same way in turn. Where that
  layout cannot be made (no bracket to break at, a head that is too long by itself), the line
  stays as it is.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import cast

import libcst as cst


@dataclass(frozen=True)
class Style:
    line_length: int
    quote: str  # `"` or `'`: the quote a fix's strings get


def restyle(fixed: cst.Module, original: cst.Module, line_length: int) -> cst.Module:
    """`fixed` with the statements the fixes wrote in the style of `original`."""
    known = {line.strip() for line in original.code.splitlines()}
    strings = _strings(original)
    single = sum(value.startswith("'", len(value) - len(value.lstrip("rRbBuU"))) for value in strings)
    style = Style(line_length, "'" if single > len(strings) - single else '"')
    lines = fixed.code.splitlines()
    if style.quote == '"' and all(len(line) <= line_length or line.strip() in known for line in lines):
        return fixed
    return cast(cst.Module, fixed.visit(_Restyle(fixed, known, style, set(strings))))


def _strings(module: cst.Module) -> list[str]:
    """The file's one-line strings, as written (prefix and quotes included)."""
    found: list[str] = []

    class Collect(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            if node.quote in ('"', "'"):
                found.append(node.value)

    module.visit(Collect())
    return found


class _Restyle(cst.CSTTransformer):
    def __init__(self, module: cst.Module, known: set[str], style: Style, strings: set[str]) -> None:
        super().__init__()
        self.module = module
        self.known = known
        self.style = style
        self.strings = strings  # the file's own strings, as written: a fix's edit keeps their quotes
        self.indents: list[str] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.indents.append(node.indent if node.indent is not None else self.module.default_indent)

    def leave_IndentedBlock(self, original_node, updated_node):
        self.indents.pop()
        return updated_node

    def leave_SimpleStatementLine(self, original_node, updated_node):
        code = self.module.code_for_node(updated_node.with_changes(leading_lines=()))
        if all(line.strip() in self.known for line in code.splitlines()):
            return updated_node  # the user's own statement
        if self.style.quote != '"':
            requote = _Requote(self.style.quote, self.strings)
            updated_node = cast(cst.SimpleStatementLine, updated_node.visit(requote))
            code = self.module.code_for_node(updated_node.with_changes(leading_lines=()))
        indent = "".join(self.indents)
        lines = code.rstrip("\r\n").split("\n")
        widest = max([len(indent) + len(lines[0]), *(len(line) for line in lines[1:])])
        if len(updated_node.body) != 1:
            return updated_node
        if widest <= self.style.line_length:
            return self._joined(updated_node, indent) if len(lines) > 1 else updated_node
        docstring = _wrapped_docstring(updated_node, indent, self.style.line_length, self.module.default_newline)
        if docstring is not None:
            return docstring
        flat = _flattened(updated_node) if len(lines) > 1 else updated_node
        if flat is None:
            return updated_node  # a comment inside the statement: its layout is the user's
        broken = _Breaker(self.module, self.style.line_length).statement(flat, indent)
        if broken is None:
            return updated_node
        replacement = cst.parse_statement(broken + "\n", cst.PartialParserConfig())
        return replacement.with_changes(leading_lines=updated_node.leading_lines)

    def _joined(self, statement: cst.SimpleStatementLine, indent: str) -> cst.SimpleStatementLine:
        """A statement over several lines that a fix made short enough for one, on one line, as
        ruff joins it (not where a magic trailing comma or a comment keeps it apart)."""
        flat = _flattened(statement)
        if flat is None or _magic(flat):
            return statement
        code = self.module.code_for_node(flat.with_changes(leading_lines=())).rstrip("\r\n")
        return flat if "\n" not in code and len(indent) + len(code) <= self.style.line_length else statement


def _wrapped_docstring(statement: cst.SimpleStatementLine, indent: str, width: int, newline: str) -> cst.CSTNode | None:
    """A one-line triple-quoted docstring a fix wrote, its words wrapped at the line length (the
    formatters leave a docstring's text as it is)."""
    small = statement.body[0]
    string = getattr(small, "value", None)
    if not isinstance(small, cst.Expr) or not isinstance(string, cst.SimpleString):
        return None
    if string.prefix or string.quote != '"""' or "\n" in string.value:
        return None
    # The quotes stay on the first and last words' lines, as the formatters write them.
    lines = textwrap.wrap(string.value, width - len(indent), break_long_words=False, break_on_hyphens=False)
    if len(lines) < 2:
        return None
    text = newline.join([lines[0], *(indent + line for line in lines[1:])])  # the file's line ending
    return statement.with_changes(body=[small.with_changes(value=string.with_changes(value=text))])


def _flattened(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine | None:
    """A statement written over several lines, on one line (None: a comment or an implicitly
    concatenated string inside it)."""
    comments: list[cst.Comment] = []

    class Find(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            comments.append(node)

        def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
            comments.append(cst.Comment("#"))  # its parts' line breaks are the user's, too

    statement.with_changes(leading_lines=(), trailing_whitespace=cst.TrailingWhitespace()).visit(Find())
    if comments:
        return None
    return cast(cst.SimpleStatementLine, statement.visit(_Flatten()))


class _Flatten(cst.CSTTransformer):
    """Line breaks inside brackets become a space after a comma, and nothing elsewhere."""

    def leave_Comma(self, original_node, updated_node):
        if isinstance(original_node.whitespace_after, cst.ParenthesizedWhitespace):
            return updated_node.with_changes(whitespace_after=cst.SimpleWhitespace(" "))
        return updated_node

    def leave_ParenthesizedWhitespace(self, original_node, updated_node):
        return cst.SimpleWhitespace("")


class _Requote(cst.CSTTransformer):
    """The one-line strings a fix wrote in the file's quote, where that needs no escaping."""

    def __init__(self, quote: str, strings: set[str]) -> None:
        super().__init__()
        self.quote = quote
        self.strings = strings

    def leave_SimpleString(self, original_node, updated_node):
        other = '"' if self.quote == "'" else "'"
        if updated_node.quote != other or updated_node.value in self.strings:
            return updated_node
        prefix = updated_node.prefix
        body = updated_node.value[len(prefix) + 1 : -1]
        if self.quote in body or "\\" in body:
            return updated_node
        return updated_node.with_changes(value=f"{prefix}{self.quote}{body}{self.quote}")


# A bracketed node: the code before its opening bracket, the brackets, and its elements.
_BRACKETS = {cst.Call: "()", cst.Dict: "{}", cst.List: "[]", cst.Set: "{}", cst.Subscript: "[]"}
_COLLECTIONS = (cst.List, cst.Dict, cst.Set, cst.Tuple)  # displays, not calls or subscripts


class _Breaker:
    def __init__(self, module: cst.Module, line_length: int) -> None:
        self.module = module
        self.line_length = line_length
        self.step = module.default_indent

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def statement(self, line: cst.SimpleStatementLine, indent: str) -> str | None:
        """The statement broken over several lines (each starting with its indentation), or None."""
        small = line.body[0].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        value = getattr(small, "value", None)
        comment = line.trailing_whitespace.comment
        tail = f"  {comment.value}" if comment is not None else ""
        if not isinstance(value, cst.BaseExpression):
            return None
        text = self.code(small)
        lines = self.split(text, value, tail, indent) or self.parenthesized(text, value, tail, indent)
        if lines is None:
            return None
        # Parsed on its own, then indented by its block (libcst prefixes every line with the block's indentation).
        return "\n".join(line[len(indent) :] for line in lines)

    def parenthesized(self, text: str, value: cst.BaseExpression, tail: str, indent: str) -> list[str] | None:
        """`text` with `value` (no bracket of its own to break at) inside new parentheses on a line of
        its own, as ruff wraps the right-hand side of an assignment."""
        value_code = self.code(value)
        inner = indent + self.step + value_code
        if not text.endswith(value_code) or "\n" in value_code or len(inner) > self.line_length:
            return None
        return [indent + text[: len(text) - len(value_code)] + "(", inner, indent + ")" + tail]

    def split(self, text: str, value: cst.BaseExpression, tail: str, indent: str) -> list[str] | None:
        """`text` (which ends with the code of `value`), then `tail`, broken at the last bracket of `value`."""
        bracket = _last_bracketed(value)
        if bracket is None:
            return None
        bracket_code = self.code(bracket)
        if not text.endswith(bracket_code) or getattr(bracket, "lpar", None):
            return None
        opening, closing = _BRACKETS[type(bracket)][0], _BRACKETS[type(bracket)][1]
        elements = _elements(bracket)
        if not elements:
            return None
        inner_head = self.code(bracket.func) if isinstance(bracket, cst.Call) else ""
        if isinstance(bracket, cst.Subscript):
            inner_head = self.code(bracket.value)
        head = text[: len(text) - len(bracket_code)] + inner_head + opening
        if len(indent) + len(head) > self.line_length:
            return None
        inner = indent + self.step
        magic = [_magic(e) for e in elements]
        codes = [self.code(e.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip() for e in elements]
        flat = ", ".join(codes)
        # ruff keeps a magic trailing comma's layout, and puts a collection literal's items one per line.
        explode = _trailing_comma(bracket) or any(magic) or isinstance(bracket, _COLLECTIONS)
        if not explode and "\n" not in flat and len(inner) + len(flat) <= self.line_length:
            return [indent + head, inner + flat, indent + closing + tail]
        lines = [indent + head]
        for element, code, forced in zip(elements, codes, magic):
            line = code + ","
            if "\n" in line:
                return None
            if forced or len(inner) + len(line) > self.line_length:
                broken = self._element(element, code, inner)
                if broken is not None:
                    lines += broken
                    continue
            lines.append(inner + line)
        return [*lines, indent + closing + tail]

    def _element(self, element: cst.CSTNode, code: str, indent: str) -> list[str] | None:
        value = getattr(element, "value", None)
        if isinstance(element, cst.SubscriptElement):
            value = getattr(element.slice, "value", None)
        if not isinstance(value, cst.BaseExpression):
            return None
        return self.split(code, value, ",", indent)


def _trailing_comma(node: cst.CSTNode) -> bool:
    elements = _elements(node)
    return bool(elements) and elements[-1].comma is not cst.MaybeSentinel.DEFAULT


def _magic(node: cst.CSTNode) -> bool:
    """A bracket inside `node` that ends with a trailing comma: ruff keeps it one element per line."""
    if isinstance(node, tuple(_BRACKETS)) and _trailing_comma(node):
        return True
    children = node.children if not hasattr(node, "comma") else [c for c in node.children if c is not node.comma]
    return any(_magic(child) for child in children)


def _last_bracketed(expr: cst.BaseExpression) -> cst.CSTNode | None:
    """The node whose closing bracket ends `expr`: `f(x)` in `a * f(x)`, the dict in `{...}`."""
    if isinstance(expr, tuple(_BRACKETS)):
        return expr
    if isinstance(expr, (cst.BinaryOperation, cst.Comparison, cst.BooleanOperation)) and not expr.lpar:
        right = expr.right if not isinstance(expr, cst.Comparison) else expr.comparisons[-1].comparator
        return _last_bracketed(right)
    return None


def _elements(node: cst.CSTNode) -> list:
    if isinstance(node, cst.Call):
        return list(node.args)
    if isinstance(node, cst.Subscript):
        return list(node.slice)
    return list(getattr(node, "elements", ()))
