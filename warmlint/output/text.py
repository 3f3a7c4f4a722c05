"""Output formats for diagnostics: text, json, github, sarif."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from warmlint.diagnostics import Diagnostic, FileResult, FixSafety, Severity, Unchecked
from warmlint.output.markers import marker

# `text` and `full` print each finding with its hint (`full` also with the flagged source line,
# as ruff's `full` does); `concise` one line per finding, as ruff's `concise`.
FORMATS = ("text", "concise", "full", "json", "github", "sarif")


def render_text(
    diagnostics: list[Diagnostic],
    quiet: bool,
    fix_command: str = "warmlint fix --apply",
    errors: int = 0,
    concise: bool = False,
    sources: dict[tuple[str, int | None, int], str] | None = None,
) -> list[str]:
    """`concise`: one line per finding and the summary; `sources`, when given, the text of each
    flagged line by (path, cell, line), shown under its finding."""
    lines = []
    for d in diagnostics:
        location = click.style(f"{d.location}:", bold=True)
        code = click.style(d.code, fg="red" if d.severity is Severity.ERROR else "yellow", bold=True)
        shown = marker(d)
        fix = " " + click.style(shown, fg="cyan") if shown else ""
        lines.append(f"{location} {code}{fix} [{d.name}] {d.message}")
        if quiet or concise:
            continue
        source = (sources or {}).get((d.path, d.cell, d.line))
        if source is not None:
            lines.extend(_source_lines(d, source))
        if d.hint:
            lines.append(click.style(f"    hint: {d.hint}", dim=True))
        if d.no_fix_reason:
            lines.append(click.style(f"    no automatic fix: {d.no_fix_reason}", dim=True))
    if not quiet:
        lines.append(summary(diagnostics, fix_command, errors))
    return lines


def _source_lines(d: Diagnostic, source: str) -> list[str]:
    """The flagged line under its number, carets under the flagged part (to the line's end when
    the finding spans several lines)."""
    number = str(d.line)
    gutter = " " * len(number)
    text = source.rstrip("\r\n").expandtabs(1)
    end = d.span.end_column if d.span.end_line == d.line else len(text) + 1
    carets = "^" * max(1, min(end, len(text) + 1) - d.column)
    return [
        f"  {number} | {text}",
        f"  {gutter} | " + " " * (d.column - 1) + click.style(carets, fg="red"),
    ]


def summary(diagnostics: list[Diagnostic], fix_command: str, errors: int = 0) -> str:
    """The last line of text output; `errors` counts paths that could not be checked."""
    unchecked = f"{errors} path{'s' if errors != 1 else ''} could not be checked" if errors else ""
    if not diagnostics:
        if unchecked:
            return f"No problems found, but {unchecked}."
        return click.style("All checks passed.", fg="green")
    files = len({d.path for d in diagnostics})
    count = len(diagnostics)
    text = f"Found {count} problem{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    safe = sum(d.fixable and d.fix_safety is FixSafety.SAFE for d in diagnostics)
    unsafe = sum(d.fixable and d.fix_safety is FixSafety.UNSAFE for d in diagnostics)
    if safe:
        text += f" ({safe} fixable with `{fix_command}`"
        text += f", {unsafe} more with `--unsafe-fixes`)" if unsafe else ")"
    elif unsafe:
        text += f" ({unsafe} fixable with `{fix_command} --unsafe-fixes`)"
    if unchecked:
        text += f"; {unchecked}"
    return text + "."


def render_json(diagnostics: list[Diagnostic]) -> list[str]:
    return [json.dumps([d.to_json() for d in diagnostics], indent=2)]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: list[Diagnostic]) -> list[str]:
    """Workflow commands; annotations know no notebook cells, so a cell's lines go with the cell in the title."""
    lines = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        title = f"{d.code} {d.name}" + (f" (cell {d.cell})" if d.cell is not None else "")
        props = (
            f"file={_escape_property(d.path)},line={d.line},col={d.column},"
            f"endLine={d.span.end_line},endColumn={d.span.end_column},"
            f"title={_escape_property(title)}"
        )
        lines.append(f"::{level} {props}::{_escape_data(d.message)}")
    return lines


def render(
    diagnostics: list[Diagnostic],
    output_format: str,
    quiet: bool = False,
    unchecked: Sequence[Unchecked] = (),
    results: Sequence[FileResult] = (),
    sources: dict[tuple[str, int | None, int], str] | None = None,
) -> list[str]:
    """The output lines; `unchecked`: the paths that could not be checked. `results` (each file's,
    with the fixes and flagged lines the runner was asked for) is used by SARIF only; `sources`
    (the text of each flagged line by path, cell and line) by `full` only."""
    if output_format == "json":
        return render_json(diagnostics)
    if output_format == "github":
        return render_github(diagnostics)
    if output_format == "sarif":
        from warmlint.output.sarif import render_sarif

        return render_sarif(diagnostics, results, unchecked)
    shown = sources if output_format == "full" else None
    return render_text(diagnostics, quiet, errors=len(unchecked), concise=output_format == "concise", sources=shown)
