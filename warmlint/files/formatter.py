"""The line length the project's formatter keeps, for the lines a fix writes.

Found as ruff finds its settings: in each folder from the file's up, `.ruff.toml`, then
`ruff.toml`, then a `pyproject.toml` with a `[tool.ruff]` or `[tool.black]` table; the first
found governs, with ruff's `line-length`, else black's, else their default of 88. Nothing found: None (the caller
keeps its default). A file that cannot be read, or a value that is not a line length, is passed
over as the formatter would refuse it: it is not warmlint's to report.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from warmlint.config import DEFAULT_LINE_LENGTH, MAX_LINE_LENGTH

RUFF_NAMES = (".ruff.toml", "ruff.toml")
MAX_BYTES = 2 * 1024 * 1024  # as for warmlint's own config files


@dataclass(frozen=True)
class FormatterLength:
    value: int
    source: Path  # the config file it comes from


def _table(path: Path) -> dict | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _length(table: object) -> int | None:
    value = table.get("line-length", table.get("line_length")) if isinstance(table, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_LINE_LENGTH:
        return value
    return None


def in_folder(folder: Path) -> FormatterLength | None:
    """The formatter's line length set by a config file in `folder` itself."""
    for name in RUFF_NAMES:
        data = _table(folder / name)
        if data is not None:
            return FormatterLength(_length(data) or DEFAULT_LINE_LENGTH, folder / name)
    data = _table(folder / "pyproject.toml")
    tool = data.get("tool") if data is not None else None
    if not isinstance(tool, dict) or not any(isinstance(tool.get(f), dict) for f in ("ruff", "black")):
        return None
    value = _length(tool.get("ruff")) or _length(tool.get("black")) or DEFAULT_LINE_LENGTH
    return FormatterLength(value, folder / "pyproject.toml")
