"""Fix a config file: apply the text edits of its findings, re-read and re-check the result.

Each round applies the edits of every fixable finding that does not overlap another one; the
result is kept only when it still reads, each fixed finding is gone and no finding of a rule
declared `never_added_by_fixes` appeared (WL003: a warmup without decay). The bytes outside the
edits are the file's own, byte-order mark and line endings included.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from warmlint.config import Config
from warmlint.configs import is_json_path
from warmlint.configs.check import BOM, Decoded, decode, diagnostics, read
from warmlint.configs.edits import TextEdit, apply_edits, overlaps
from warmlint.configs.errors import ConfigReadError
from warmlint.configs.yaml_reader import available
from warmlint.diagnostics import Diagnostic, FixSafety
from warmlint.engine.fix_outcome import MAX_ROUNDS, FixOutcome
from warmlint.rules.base import refused_for_added


def fix_config(source: bytes, path: str, config: Config) -> FixOutcome:
    outcome = FixOutcome(path, source, source)
    if not is_json_path(path) and not available():
        return outcome
    try:
        decoded = decode(source, path)
        found = diagnostics(read(decoded), decoded, path, config)
    except ConfigReadError as error:
        outcome.error = str(error)
        return outcome
    refused: dict[tuple[str, str], str] = {}
    for _ in range(MAX_ROUNDS):
        candidates = [d for d in found if d.fixable and d.fix_safety is FixSafety.SAFE and _identity(d) not in refused]
        if not candidates:
            break
        batch = _non_overlapping(candidates)
        attempt = _try(decoded, batch, path, config, found)
        if isinstance(attempt, str) and len(batch) > 1:
            batch = batch[:1]
            attempt = _try(decoded, batch, path, config, found)
        if isinstance(attempt, str):
            refused[_identity(batch[0])] = attempt
            continue
        outcome.applied += batch
        decoded, found = attempt
    else:
        outcome.out_of_rounds = True
    if outcome.applied:
        outcome.fixed = ((BOM if decoded.bom else "") + decoded.text).encode("utf-8")
    outcome.remaining = [_refused(d, refused.get(_identity(d))) for d in found]
    return outcome


def _identity(diagnostic: Diagnostic) -> tuple[str, str]:
    return diagnostic.code, diagnostic.message


def _edits(diagnostic: Diagnostic) -> list[TextEdit]:
    return list(cast(tuple[TextEdit, ...], diagnostic.fix_data))


def _non_overlapping(candidates: list[Diagnostic]) -> list[Diagnostic]:
    taken: list[TextEdit] = []
    batch = []
    for diagnostic in candidates:
        edits = _edits(diagnostic)
        if not overlaps(edits, taken):
            taken += edits
            batch.append(diagnostic)
    return batch


def _try(
    decoded: Decoded, batch: list[Diagnostic], path: str, config: Config, before: list[Diagnostic]
) -> tuple[Decoded, list[Diagnostic]] | str:
    text = apply_edits(decoded.text, [edit for d in batch for edit in _edits(d)])
    if text == decoded.text:
        return "its fix changes nothing"
    fixed = replace(decoded, text=text)
    try:
        after = diagnostics(read(fixed), fixed, path, config)
    except ConfigReadError as error:
        return f"internal error: the fixed file does not read ({error})"
    still = {_identity(d) for d in after}
    if any(_identity(d) in still for d in batch):
        return "its fix does not remove the problem"
    added = refused_for_added([d.code for d in before], [d.code for d in after])
    return added or (fixed, after)


def _refused(diagnostic: Diagnostic, reason: str | None) -> Diagnostic:
    if reason is None:
        return diagnostic
    return replace(diagnostic, fixable=False, fix_safety=None, no_fix_reason=reason, fix_data=None)
