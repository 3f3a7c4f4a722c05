"""`--format sarif`: SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) and IDE viewers read.

Paths: every location is a URI relative to `SRCROOT`, which `originalUriBaseIds` gives as the
absolute root of the repository the run started in (the working directory outside one), so a
result resolves from any directory; a file outside that root gets an absolute `file:` URI.

The run's `invocations` says whether it was complete: `executionSuccessful` is false when a path
could not be checked (unreadable, gone, an internal error), and each such path is a
`toolExecutionNotification` with its reason, as warmlint's error output names it. A file that does
not parse is a WL000 result instead: it was read, and that is what warmlint found in it.

Each result's `partialFingerprints` identify it across runs (see output.fingerprints).

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
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from warmlint import __version__
from warmlint.diagnostics import Diagnostic, FileFix, FileResult, FixSafety, Severity, Span, Unchecked
from warmlint.files.ignore_files import repository_root
from warmlint.output import fingerprints
from warmlint.output.links import repository, rule_page_url
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# A file that cannot be parsed is an error (engine.syntax_error); every rule finding is a warning.
ERROR_RULES = frozenset({"WL000"})
SRCROOT = "SRCROOT"


def source_root(folder: Path) -> Path:
    """What result paths are relative to: the root of the repository holding the absolute
    `folder`, as code scanning matches paths from it, or `folder` outside a repository."""
    return repository_root(folder) or folder


def render_sarif(
    diagnostics: list[Diagnostic], results: Sequence[FileResult], unchecked: Sequence[Unchecked]
) -> list[str]:
    """The log; `results`: each file's, for its whole-file fix and the text of its flagged lines;
    `unchecked`: the paths that could not be checked."""
    root = source_root(Path.cwd())
    fixes = {r.path: r.fix for r in results if r.fix is not None}
    prints = fingerprints.fingerprints(diagnostics, {r.path: r.flagged for r in results})
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
                        "informationUri": repository(),
                        "rules": [descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [invocation(unchecked, root)],
                "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [
                    result(d, index[d.code], fixes.get(d.path), fingerprint, root)
                    for d, fingerprint in zip(diagnostics, prints, strict=True)
                ],
            }
        ],
    }
    return [json.dumps(log, indent=2, ensure_ascii=False)]


def descriptor(rule: RuleInfo) -> dict:
    page = rule_doc(rule.code) or f"# {rule.code}: {rule.name}\n\n{rule.summary}\n"
    found = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": section(page, "What it finds") or rule.summary},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": "error" if rule.code in ERROR_RULES else "warning"},
    }
    url = rule_page_url(rule.code)
    return found | {"helpUri": url} if url else found


def section(page: str, title: str) -> str:
    """The body of a `## title` section of a rule page."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    return match.group(1).strip() if match else ""


def invocation(unchecked: Sequence[Unchecked], root: Path) -> dict:
    """Whether every path was checked, and a notification for each one that was not."""
    return {
        "executionSuccessful": not unchecked,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": str(problem)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(problem.path, root)}}],
            }
            for problem in unchecked
        ],
    }


def result(d: Diagnostic, rule_index: int, fix: FileFix | None, fingerprint: str, root: Path) -> dict:
    found = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": message(d)},
        "locations": [
            {"physicalLocation": {"artifactLocation": artifact_location(d.path, root), "region": region(d.span)}}
        ],
        "partialFingerprints": {fingerprints.KEY: fingerprint},
    }
    if d.cell is not None:
        found["properties"] = {"cell": d.cell}
    if d.fixable and d.fix_safety is FixSafety.SAFE and fix is not None:
        found["fixes"] = [fix_object(d.path, fix, root)]
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


def artifact_location(path: str, root: Path) -> dict:
    """The path as a POSIX URI relative to `SRCROOT` (`root`), as code scanning matches it against
    the repository; a file outside the root gets an absolute `file:` URI, which needs no base."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def fix_object(path: str, fix: FileFix, root: Path) -> dict:
    span = fix.deleted
    return {
        "description": {
            "text": f"What `warmlint fix --apply` writes to this file ({fix.count} fix{'es' if fix.count != 1 else ''})"
        },
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(path, root),
                "replacements": [{"deletedRegion": region(span), "insertedContent": {"text": fix.inserted}}],
            }
        ],
    }
