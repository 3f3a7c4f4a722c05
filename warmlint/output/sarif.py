"""`--format sarif`: SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) and IDE viewers read.

Fixes: `warmlint fix` applies a file's fixes one after the other, each on the re-checked result
of the last, so one diagnostic's edit taken alone is not what would be written. A fixable result
therefore carries the fix of its whole file: `fix_bytes` run once on the file, expressed as one
replacement of the lines from the first to the last that differ (found with difflib) by the new
lines. Every fixable result of that file carries the same replacement. The file is read again from
disk with the nearest pyproject.toml and only the reported rules selected, and the fix is attached
only when that check reproduces the reported fixable diagnostics (so not for stdin, files that are
not UTF-8, or files changed since).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import quote

from warmlint import __version__
from warmlint.config import ConfigError, load_config
from warmlint.diagnostics import Diagnostic, Severity, Span
from warmlint.output.rule_docs import rule_doc
from warmlint.engine.fixer import fix_bytes
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes
from warmlint.files.runner import check_bytes, read_source

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/warmlint/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# A file that cannot be parsed is an error (engine.syntax_error); every rule finding is a warning.
ERROR_RULES = frozenset({"WL000"})
# Line ends as the Python tokenizer (and so libcst's line numbers) counts them.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def render_sarif(diagnostics: list[Diagnostic]) -> list[str]:
    rules = [RULE_INFO[code] for code in all_codes()]
    index = {rule.code: position for position, rule in enumerate(rules)}
    fixes = file_fixes(diagnostics)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "warmlint", "version": __version__, "informationUri": INFORMATION_URI,
                                "rules": [descriptor(rule) for rule in rules]}},
            "columnKind": "unicodeCodePoints",
            "results": [result(d, index[d.code], fixes.get(d.path)) for d in diagnostics],
        }],
    }
    return [json.dumps(log, indent=2, ensure_ascii=False)]


def descriptor(rule: RuleInfo) -> dict:
    page = rule_doc(rule.code) or f"# {rule.code}: {rule.name}\n\n{rule.summary}\n"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": section(page, "What it finds") or rule.summary},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": "error" if rule.code in ERROR_RULES else "warning"},
    }


def section(page: str, title: str) -> str:
    """The body of a `## title` section of a rule page."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    return match.group(1).strip() if match else ""


def result(d: Diagnostic, rule_index: int, fix: dict | None) -> dict:
    found = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": message(d)},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(d.path)},
                                            "region": region(d.span)}}],
    }
    if d.fixable and fix is not None:
        found["fixes"] = [fix]
    return found


def message(d: Diagnostic) -> str:
    lines = [d.message]
    if d.hint:
        lines.append(f"hint: {d.hint}")
    if d.no_fix_reason:
        lines.append(f"no automatic fix: {d.no_fix_reason}")
    return "\n".join(lines)


def region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": span.end_column}


def artifact_uri(path: str) -> str:
    """The path as a relative POSIX URI, as code scanning matches it against the repository;
    a file outside the working directory gets an absolute file: URI."""
    given = Path(path)
    if given.is_absolute():
        try:
            given = given.relative_to(Path.cwd())
        except ValueError:
            return given.as_uri()
    return quote(given.as_posix())


def file_fixes(diagnostics: list[Diagnostic]) -> dict[str, dict]:
    """The fix of every file with a fixable diagnostic, by path, where one can be attached."""
    fixable: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if d.fixable:
            fixable[d.path].append(d)
    fixes = {path: file_fix(path, reported) for path, reported in fixable.items()}
    return {path: fix for path, fix in fixes.items() if fix is not None}


def file_fix(path: str, reported: list[Diagnostic]) -> dict | None:
    data, _ = read_source(Path(path))
    if data is None:
        return None
    try:
        config = load_config(Path(path), all_codes())
    except ConfigError:
        return None
    config = config.with_overrides(select=tuple(sorted({d.code for d in reported})))
    again = check_bytes(data, path, config).diagnostics
    if {(d.code, d.span) for d in again if d.fixable} != {(d.code, d.span) for d in reported}:
        return None
    outcome = fix_bytes(data, path, config)
    if outcome.error or not outcome.changed:
        return None
    try:
        before, after = data.decode("utf-8-sig"), outcome.fixed.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    count = len(outcome.applied)
    return {
        "description": {"text": f"What `warmlint fix --apply` writes to this file ({count} "
                                f"fix{'es' if count != 1 else ''})"},
        "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(path)},
                             "replacements": [replacement(before, after)]}],
    }


def replacement(before: str, after: str) -> dict:
    """One replacement of the changed line range of `before` by the lines that take its place."""
    old, new = LINE.findall(before), LINE.findall(after)
    changes = [op for op in SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    old_start, new_start = changes[0][1], changes[0][3]
    old_end, new_end = changes[-1][2], changes[-1][4]
    start_line, start_column = line_start(old, old_start)
    end_line, end_column = line_start(old, old_end)
    return {
        "deletedRegion": {"startLine": start_line, "startColumn": start_column,
                          "endLine": end_line, "endColumn": end_column},
        "insertedContent": {"text": "".join(new[new_start:new_end])},
    }


def line_start(lines: list[str], index: int) -> tuple[int, int]:
    """1-based line and column where line `index` (0-based) starts; past the last line, the end of the text."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return index + 1, 1
    return len(lines), len(lines[-1]) + 1
