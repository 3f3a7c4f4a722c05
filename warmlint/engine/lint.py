"""Lint one file: parse, collect facts, run the enabled rules, drop suppressed findings."""

from __future__ import annotations

import ast
import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from warmlint.analysis.collect import collect
from warmlint.analysis.model import Model
from warmlint.config import Config
from warmlint.diagnostics import Diagnostic, FileResult, Severity, Span
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.selection import enabled_codes
from warmlint.engine.suppressions import Suppressions
from warmlint.fixes import Edits, FixOptions, plan_fix
from warmlint.rule_index import RULE_INFO, all_codes, code_names
from warmlint.rules import CHECKS, RuleContext


class Locator:
    """Line/column spans, computed only when a file has something to report."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._positions = None
        self._statements: list[tuple[int, int]] | None = None

    def span(self, node: cst.CSTNode) -> Span:
        if self._positions is None:
            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        code_range = self._positions[node]
        return Span(code_range.start.line, code_range.start.column + 1, code_range.end.line, code_range.end.column + 1)

    def lines(self, node: cst.CSTNode) -> tuple[int, int]:
        span = self.span(node)
        return span.line, span.end_line

    def statement_lines(self, node: cst.CSTNode) -> range:
        """Lines of the innermost simple statement holding `node` (for multi-line suppressions)."""
        first, last = self.lines(node)
        holding = [(start, end) for start, end in self._statement_ranges() if start <= first and last <= end]
        start, end = min(holding, key=lambda lines: lines[1] - lines[0], default=(first, last))
        return range(min(start, first), max(end, last) + 1)

    def _statement_ranges(self) -> list[tuple[int, int]]:
        """Line ranges of every simple statement, read once from the positions already computed."""
        if self._statements is None:
            self.span(self._module)
            self._statements = [
                (code_range.start.line, code_range.end.line)
                for statement, code_range in self._positions.items()
                if isinstance(statement, cst.SimpleStatementLine)
            ]
        return self._statements


def parse(source: bytes | str, path: str) -> tuple[cst.Module | None, Diagnostic | None]:
    """A module, or the WL000 diagnostic that says why there is none."""
    try:
        return cst.parse_module(source), None
    except cst.ParserSyntaxError as error:
        return None, _python_syntax_error(source, path) or _from_parser_error(
            error, path, max(1, len(source.splitlines()))
        )
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return None, syntax_error(path, 1, 1, f"cannot decode the file: {error}")
    except UnicodeEncodeError as error:  # text (not bytes) holding a lone surrogate
        before = error.object[: error.start]
        line, column = before.count("\n") + 1, error.start - (before.rfind("\n") + 1) + 1
        return None, syntax_error(path, line, column, f"not valid Unicode text: {error.reason}")
    except RecursionError:
        return None, syntax_error(path, 1, 1, "too deeply nested to parse")


_MAY_SUPPRESS = re.compile(r"noqa|warmlint", re.I)
_PARSER_LOCATION = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _python_syntax_error(source: bytes | str, path: str) -> Diagnostic | None:
    """CPython's own position and reason (parsing only: ast.parse compiles nothing and runs nothing).

    libcst often reports the token after the mistake; CPython names the line of the mistake.
    """
    try:
        ast.parse(source, filename=path)
    except SyntaxError as error:
        if error.lineno:
            return syntax_error(path, error.lineno, max(1, error.offset or 1), error.msg)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _from_parser_error(error: cst.ParserSyntaxError, path: str, last_line: int) -> Diagnostic:
    """WL000 at the parser's own position (made 1-based, inside the file), reason on one short line."""
    text = (error.message or "invalid syntax").splitlines()[0]
    line, column = error.editor_line or 1, error.editor_column or 1
    located = _PARSER_LOCATION.match(text)
    if located:  # the native parser reports a 0-based column in its message
        line, column = int(located.group(1)), int(located.group(2)) + 1
        text = text[located.end() :]
    if line > last_line:  # an error at the end of the file: point at its last line
        line, column = last_line, 1
    if len(text) > 100:
        text = text[:97] + "..."
    return syntax_error(path, line, column, text)


def syntax_error(path: str, line: int, column: int, reason: str) -> Diagnostic:
    return Diagnostic(
        path,
        Span(line, column, line, column),
        "WL000",
        RULE_INFO["WL000"].name,
        f"cannot parse: {reason}",
        severity=Severity.ERROR,
    )


def lint_module(module: cst.Module, path: str, config: Config) -> FileResult:
    raw, imports = collect(module)
    model = Model(raw, imports)
    locator = Locator(module)
    context = RuleContext(model, config, locator.lines)
    enabled = enabled_codes(config, path, all_codes())
    suppressions = _suppressions(raw.comments, locator)
    diagnostics = []
    if "WL100" in enabled:
        diagnostics += [
            Diagnostic(
                path,
                Span(p.line, 1, p.line, 1),
                "WL100",
                RULE_INFO["WL100"].name,
                f"`{p.comment.strip()}` suppresses nothing: {p.reason}",
            )
            for p in suppressions.problems
        ]
    for code in sorted(enabled):
        check = CHECKS.get(code)  # WL000 has none: the parser reports it; WL100 is read above
        if check is None:
            continue
        for finding in check(context):
            if suppressions.suppresses(code, locator.statement_lines(finding.node)):
                continue
            fix = finding.no_fix_reason or None
            if finding.fix_data is not None and not fix:
                fix = plan_fix(code, finding.fix_data, model, FixOptions.from_config(config))
            diagnostics.append(
                Diagnostic(
                    path=path,
                    span=locator.span(finding.node),
                    code=code,
                    name=RULE_INFO[code].name,
                    message=finding.message,
                    hint=finding.hint,
                    fixable=isinstance(fix, Edits),
                    no_fix_reason=fix if isinstance(fix, str) else "",
                    fix_safety=fix.safety if isinstance(fix, Edits) else None,
                    fix_data=fix if isinstance(fix, Edits) else None,
                )
            )
    diagnostics.sort(key=Diagnostic.sort_key)
    return FileResult(path, diagnostics, model=model, module=module)


def _suppressions(comments, locator: Locator) -> Suppressions:
    suppressions = Suppressions()
    names = code_names()
    for comment in comments:
        if _MAY_SUPPRESS.search(comment.value):
            suppressions.add_comment(locator.lines(comment)[0], comment.value, names)
    return suppressions


def check_source(source: bytes | str, path: str = "<stdin>", config: Config | None = None) -> FileResult:
    """Lint one file's contents. Never imports or runs them."""
    return on_deep_stack(_check_source, source, path, config or Config())


def _check_source(source: bytes | str, path: str, config: Config) -> FileResult:
    module, error = parse(source, path)
    if module is None:
        assert error is not None
        codes = enabled_codes(config, path, all_codes())
        return FileResult(path, [error] if "WL000" in codes else [])
    return lint_module(module, path, config)
