"""The long documentation of each rule lives in `rules/<CODE>-<name>.md`; this finds it."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # warmlint/
_CANDIDATES = (_PACKAGE / "_rule_docs", _PACKAGE.parent / "rules")  # installed wheel, source tree


def rule_doc_path(code: str) -> Path | None:
    for folder in _CANDIDATES:
        matches = sorted(folder.glob(f"{code}-*.md")) if folder.is_dir() else []
        if matches:
            return matches[0]
    return None


def rule_doc(code: str) -> str | None:
    path = rule_doc_path(code)
    return path.read_text(encoding="utf-8") if path else None
