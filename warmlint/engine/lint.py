"""Lint one file: parse, collect facts, run the enabled rules, drop suppressed findings."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import replace

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from warmlint.analysis.collect import collect
from warmlint.analysis.model import Model
from warmlint.config import Config
from warmlint.configs import is_config_path
from warmlint.diagnostics import Diagnostic, FileResult, Severity, Span
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.selection import enabled_codes
from warmlint.engine.suppressions import INVALID_SUPPRESSION, UNUSED_SUPPRESSION, Directive, Suppressions
from warmlint.engine.unused import Unused, rewritten, unused
from warmlint.fixes import CommentRewrite, Edits, FixBuilder, FixOptions, FixSafety, comment_fix, plan_fix
from warmlint.notebook import NotebookError, is_notebook, read_notebook
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes, code_names
from warmlint.rules import RULES, Rule, RuleContext, register


class Locator:
    """Line/column spans, computed only when a file has something to report."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None
        self._statements: list[tuple[int, int]] | None = None

    def _position_map(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._positions is None:
            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        return self._positions

    def span(self, node: cst.CSTNode) -> Span:
        code_range = self._position_map()[node]
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
            self._statements = [
                (code_range.start.line, code_range.end.line)
                for statement, code_range in self._position_map().items()
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


# Comments that can be a warmlint suppression (or a malformed one): `# warmlint: ...`, or a
# `noqa:` list naming a WL code or a rule name. Others (a bare noqa, `noqa: E501`) are never read,
# so their positions are never computed.
_MAY_SUPPRESS = re.compile(r"warmlint|noqa\s*:[^#]*(wl\d|[a-z]-[a-z])", re.I)
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


SYNTAX_ERROR = RuleInfo(
    "WL000", "syntax-error", "The file cannot be parsed as Python, so nothing else in it was checked."
)


# The engine's own rules: reported here, not by a check. WL101's fix edits a comment, no code.
register(Rule(SYNTAX_ERROR))
register(Rule(INVALID_SUPPRESSION))
register(Rule(UNUSED_SUPPRESSION, fixes={CommentRewrite: FixBuilder(comment_fix.rewrite_comment, FixSafety.SAFE)}))


def syntax_error(path: str, line: int, column: int, reason: str) -> Diagnostic:
    return Diagnostic(
        path,
        Span(line, column, line, column),
        "WL000",
        SYNTAX_ERROR.name,
        f"cannot parse: {reason}",
        severity=Severity.ERROR,
    )


def lint_module(module: cst.Module, path: str, config: Config) -> FileResult:
    raw, imports = collect(module)
    model = Model(raw, imports)
    locator = Locator(module)
    context = RuleContext(model, config, locator.lines)
    enabled = enabled_codes(config, path, all_codes())
    comments = {locator.lines(comment)[0]: comment for comment in raw.comments if _MAY_SUPPRESS.search(comment.value)}
    suppressions = _suppressions(comments)
    diagnostics = []
    if "WL100" in enabled:
        diagnostics += [
            Diagnostic(
                path,
                Span(p.line, 1, p.line, 1),
                "WL100",
                INVALID_SUPPRESSION.name,
                f"`{p.comment.strip()}` suppresses nothing: {p.reason}",
            )
            for p in suppressions.problems
        ]
    hidden: dict[Directive, set[str]] = {}
    apply_suppressions = bool(suppressions.directives) and not config.ignore_noqa
    for code in sorted(enabled):
        entry = RULES.get(code)  # WL000 has no check: the parser reports it; WL100 and WL101 are the comments'
        if entry is None or entry.check is None:
            continue
        for finding in entry.check(context):
            if apply_suppressions:
                covering = suppressions.covering(code, locator.statement_lines(finding.node))
                for directive in covering:
                    hidden.setdefault(directive, set()).add(code)
                if covering:
                    continue
            fix: Edits | str | None = finding.no_fix_reason or None
            if finding.fix_data is not None and not fix:
                fix = plan_fix(
                    entry.builder_for(finding.fix_data), finding.fix_data, model, FixOptions.from_config(config)
                )
            span = locator.span(finding.node)
            diagnostics.append(_diagnostic(path, code, span, finding.message, finding.hint, fix))
    if apply_suppressions and UNUSED_SUPPRESSION.code in enabled:
        found = unused(suppressions, hidden, enabled, {code for code, entry in RULES.items() if entry.check})
        diagnostics += [
            _unused_diagnostic(path, u, comments, raw.comment_holders, locator, model, config) for u in found
        ]
    diagnostics.sort(key=Diagnostic.sort_key)
    return FileResult(path, diagnostics, model=model, module=module)


def _diagnostic(path: str, code: str, span: Span, message: str, hint: str, fix: Edits | str | None) -> Diagnostic:
    """A finding as reported, with its fix, or the reason it has none."""
    return Diagnostic(
        path=path,
        span=span,
        code=code,
        name=RULE_INFO[code].name,
        message=message,
        hint=hint,
        fixable=isinstance(fix, Edits),
        no_fix_reason=fix if isinstance(fix, str) else "",
        fix_safety=fix.safety if isinstance(fix, Edits) else None,
        fix_data=fix if isinstance(fix, Edits) else None,
    )


def _unused_diagnostic(
    path: str,
    found: Unused,
    comments: dict[int, cst.Comment],
    holders: Mapping[int, cst.TrailingWhitespace | cst.EmptyLine],
    locator: Locator,
    model: Model,
    config: Config,
) -> Diagnostic:
    """WL101 on the directive itself, fixed by rewriting its comment (engine.unused)."""
    directive = found.directive
    comment = comments[directive.line]
    start = locator.span(comment).column
    rewrite = CommentRewrite(comment, holders[id(comment)], rewritten(comment.value, found))
    fix = plan_fix(RULES[UNUSED_SUPPRESSION.code].builder_for(rewrite), rewrite, model, FixOptions.from_config(config))
    span = Span(directive.line, start + directive.start, directive.line, start + directive.end)
    hint = "remove it, so that it cannot hide a finding nobody has seen"
    return _diagnostic(path, UNUSED_SUPPRESSION.code, span, found.message(), hint, fix)


def _suppressions(comments: dict[int, cst.Comment]) -> Suppressions:
    """The suppressions in these comments (by line: a line holds at most one comment)."""
    suppressions = Suppressions()
    names = code_names()
    for line, comment in comments.items():
        suppressions.add_comment(line, comment.value, names)
    return suppressions


def check_source(source: bytes | str, path: str = "<stdin>", config: Config | None = None) -> FileResult:
    """Lint one file's contents. Never imports or runs them."""
    return on_deep_stack(_check_source, source, path, config or Config())


def _check_source(source: bytes | str, path: str, config: Config) -> FileResult:
    if is_config_path(path):
        from warmlint.configs.check import check_config  # YAML and JSON training configs

        return check_config(source, path, config)
    if not is_notebook(path):
        return check_code(source, path, config)
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        return _unparsable(notebook_error(path, error), path, config)
    broken: list[Diagnostic] = []
    result = check_code(notebook.code, path, config)
    while len(broken) < len(notebook.cells) and (failed := _syntax_error(result)) is not None:
        broken.append(notebook.locate(failed))
        notebook = notebook.without_cell(notebook.cell_at(failed.span.line))
        result = check_code(notebook.code, path, config)
    result.diagnostics = [notebook.locate(d) for d in result.diagnostics if d.code != "WL000"]
    if broken:  # one report for the notebook: the first cell that is not Python, and the others skipped
        broken.sort(key=lambda d: d.cell or 0)
        first, others = broken[0], [str(d.cell) for d in broken[1:]]
        plural = "s" if len(others) > 1 else ""
        more = (
            f" (cell{plural} {', '.join(others)} cannot be parsed either; these cells were skipped)" if others else ""
        )
        result.diagnostics.insert(0, replace(first, message=first.message + more))
    return result


def _syntax_error(result: FileResult) -> Diagnostic | None:
    return next((d for d in result.diagnostics if d.code == "WL000"), None)


def notebook_error(path: str, error: NotebookError) -> Diagnostic:
    """A file that is not a readable notebook is WL000, like a script that is not UTF-8."""
    return syntax_error(path, error.line, error.column, error.reason)


def check_code(source: bytes | str, path: str, config: Config) -> FileResult:
    """Lint Python source (a script, or a notebook's cells joined); positions are the source's own."""
    module, error = parse(source, path)
    if module is None:
        assert error is not None
        return _unparsable(error, path, config)
    return lint_module(module, path, config)


def _unparsable(error: Diagnostic, path: str, config: Config) -> FileResult:
    return FileResult(path, [error] if "WL000" in enabled_codes(config, path, all_codes()) else [])
