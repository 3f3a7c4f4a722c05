"""Check one config file: read it, find the schedules it sets up, judge them by each rule's config
check (the registry's), drop suppressed findings.

A YAML comment on the reported line suppresses as in Python (`# warmlint: ignore[WL003]`); JSON
has no comments, so per-file-ignores in the project's config are its way. A file that cannot be
read as what its name says gives one line naming the cause (`FileResult.error`), never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warmlint.config import Config
from warmlint.configs import is_json_path, read_limit_reason
from warmlint.configs.errors import ConfigReadError
from warmlint.configs.facts import schedules
from warmlint.configs.json_reader import read_json
from warmlint.configs.judging import ConfigFinding, Source
from warmlint.configs.positions import Lines
from warmlint.configs.tree import Node, Scalar
from warmlint.configs.yaml_reader import available, read_yaml
from warmlint.diagnostics import Diagnostic, FileResult, FixSafety, Severity, Span
from warmlint.engine.selection import enabled_codes
from warmlint.engine.suppressions import INVALID_SUPPRESSION, Suppressions
from warmlint.rule_index import RULE_INFO, all_codes, code_names
from warmlint.rules.base import config_findings

BOM = "\ufeff"
# A YAML comment that may be a suppression: `#` at the start of a line or after a space.
_COMMENT = re.compile(r"(?:^|[ \t])(#[^\n]*(?:warmlint|noqa)[^\n]*)", re.I | re.M)


@dataclass(frozen=True)
class Decoded:
    text: str
    bom: bool
    json: bool


def decode(data: bytes | str, path: str) -> Decoded:
    """The file's text (UTF-8, with or without a byte-order mark); ConfigReadError when it is not text."""
    reason = read_limit_reason(len(data))
    if reason:
        raise ConfigReadError(reason)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigReadError(f"not UTF-8 text (byte {error.start + 1})") from None
    else:
        text = data
    bom = text.startswith(BOM)
    return Decoded(text[1:] if bom else text, bom, is_json_path(path))


def read(decoded: Decoded) -> Node:
    return read_json(decoded.text) if decoded.json else read_yaml(decoded.text)


def check_config(data: bytes | str, path: str, config: Config) -> FileResult:
    """Lint one YAML or JSON file; a YAML file is skipped when ruamel.yaml is not installed."""
    if not is_json_path(path) and not available():
        return FileResult(path)
    try:
        decoded = decode(data, path)
        root = read(decoded)
    except ConfigReadError as error:
        return FileResult(path, error=str(error))
    return FileResult(path, diagnostics(root, decoded, path, config))


def diagnostics(root: Node, decoded: Decoded, path: str, config: Config) -> list[Diagnostic]:
    enabled = enabled_codes(config, path, all_codes())
    source = Source(decoded.text, decoded.json)
    suppressions = _suppressions(decoded)
    found: list[Diagnostic] = []
    if INVALID_SUPPRESSION.code in enabled:
        found += [
            Diagnostic(
                path,
                Span(p.line, 1, p.line, 1),
                INVALID_SUPPRESSION.code,
                INVALID_SUPPRESSION.name,
                f"`{p.comment.strip()}` suppresses nothing: {p.reason}",
            )
            for p in suppressions.problems
        ]
    lines = Lines(decoded.text)
    for schedule in schedules(root):
        for finding in config_findings(schedule, source):
            line = finding.at.line
            if finding.code not in enabled:
                continue
            if not config.ignore_noqa and suppressions.suppresses(finding.code, range(line, line + 1)):
                continue
            found.append(_diagnostic(path, finding, lines))
    found.sort(key=Diagnostic.sort_key)
    return found


def _diagnostic(path: str, finding: ConfigFinding, lines: Lines) -> Diagnostic:
    entry = finding.at
    end_line, end_column = entry.line, entry.column + len(entry.key)
    if isinstance(entry.value, Scalar) and entry.value.end > entry.value.start >= 0:
        end_line, end_column = lines.position(entry.value.end)
    return Diagnostic(
        path=path,
        span=Span(entry.line, entry.column, end_line, end_column),
        code=finding.code,
        name=RULE_INFO[finding.code].name,
        message=finding.message,
        hint=finding.hint,
        severity=Severity.WARNING,
        fixable=bool(finding.edits),
        no_fix_reason=finding.no_fix_reason,
        fix_safety=FixSafety.SAFE if finding.edits else None,
        fix_data=finding.edits or None,
    )


def _suppressions(decoded: Decoded) -> Suppressions:
    suppressions = Suppressions()
    if decoded.json:
        return suppressions
    names = code_names()
    lines = Lines(decoded.text)
    for match in _COMMENT.finditer(decoded.text):
        suppressions.add_comment(lines.position(match.start(1))[0], match.group(1), names)
    return suppressions
