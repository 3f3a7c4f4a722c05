"""warmlint's diagnostics as LSP values: 1-based code-point spans become 0-based positions in the client's units."""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange

from warmlint.diagnostics import Diagnostic, Severity, Span
from warmlint.output.links import rule_page_url

SOURCE = "warmlint"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# LSP ends lines at \n, \r\n and \r only; str.splitlines also splits at \f, \v, \u2028 and more.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lines_of(source: str) -> list[str]:
    """The document's lines as the client counts them, each with its line break."""
    return _LINE.findall(source)


def content(line: str) -> str:
    """A line without its line break."""
    return line.rstrip("\r\n")


def server_range(span: Span, lines: list[str]) -> ServerTextRange:
    """0-based code points; an empty span (a parse error, a bad suppression) widens to the rest of its line,
    so that editors have something to underline."""
    start = ServerTextPosition(span.line - 1, span.column - 1)
    end = ServerTextPosition(span.end_line - 1, span.end_column - 1)
    if end <= start and start.line < len(lines):
        end = ServerTextPosition(start.line, max(start.character, len(content(lines[start.line]))))
    return ServerTextRange(start, end)


def client_range(span: Span, lines: list[str], codec: PositionCodec) -> types.Range:
    return codec.range_to_client_units(lines, server_range(span, lines))


def to_lsp(d: Diagnostic, lines: list[str], codec: PositionCodec) -> types.Diagnostic:
    page = rule_page_url(d.code)
    return types.Diagnostic(
        range=client_range(d.span, lines, codec),
        message=f"{d.message}\n{d.hint}" if d.hint else d.message,
        severity=SEVERITIES[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=page) if page else None,
        source=SOURCE,
    )


def config_problem(error: str) -> types.Diagnostic:
    """A broken config file leaves nothing to check the document with: say so at its top."""
    top = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=top, end=top),
        message=f"warmlint cannot check this file: {error}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )
