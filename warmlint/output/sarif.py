"""`--format sarif`: SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) and IDE viewers read.

Fixes: a fixable result carries the fix of its whole file (a `FileFix`, see warmlint.diagnostics),
which the runner computed from the same bytes and config it checked; every result of that file whose
fix is safe (what `fix --apply` makes by default) carries the same replacement. Source read from
stdin, and files that are not UTF-8, get none.

Notebooks: a result's region is in lines of its cell (as in the text and json output), the cell is
`properties.cell` and the message's last line; such results carry no fix, since a replacement of cell
lines is not one of the file's text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from warmlint import __version__
from warmlint.diagnostics import Diagnostic, FileFix, FixSafety, Severity, Span
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/warmlint/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# A file that cannot be parsed is an error (engine.syntax_error); every rule finding is a warning.
ERROR_RULES = frozenset({"WL000"})


def render_sarif(diagnostics: list[Diagnostic], fixes: dict[str, FileFix]) -> list[str]:
    """The log; `fixes`: the whole-file fix of each path that has one."""
    rules = [RULE_INFO[code] for code in all_codes()]
    index = {rule.code: position for position, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "warmlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptor(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index[d.code], fixes.get(d.path)) for d in diagnostics],
            }
        ],
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


def result(d: Diagnostic, rule_index: int, fix: FileFix | None) -> dict:
    found = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": message(d)},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": region(d.span)}}
        ],
    }
    if d.cell is not None:
        found["properties"] = {"cell": d.cell}
    if d.fixable and d.fix_safety is FixSafety.SAFE and fix is not None:
        found["fixes"] = [fix_object(d.path, fix)]
    return found


def message(d: Diagnostic) -> str:
    lines = [d.message]
    if d.hint:
        lines.append(f"hint: {d.hint}")
    if d.no_fix_reason:
        lines.append(f"no automatic fix: {d.no_fix_reason}")
    if d.cell is not None:
        lines.append(f"in notebook cell {d.cell} (the region counts that cell's lines)")
    return "\n".join(lines)


def region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


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


def fix_object(path: str, fix: FileFix) -> dict:
    span = fix.deleted
    return {
        "description": {
            "text": f"What `warmlint fix --apply` writes to this file ({fix.count} fix{'es' if fix.count != 1 else ''})"
        },
        "artifactChanges": [
            {
                "artifactLocation": {"uri": artifact_uri(path)},
                "replacements": [{"deletedRegion": region(span), "insertedContent": {"text": fix.inserted}}],
            }
        ],
    }
