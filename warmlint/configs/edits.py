"""Text edits of a config file: the exact span of one value, or one entry appended to a mapping.

The rest of the file is left byte for byte as it was (comments, key order, quoting, indentation),
which re-dumping a parsed document would not do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from warmlint.configs.errors import ConfigReadError
from warmlint.configs.positions import Lines
from warmlint.configs.tree import Mapping, Scalar


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """`edits` applied to `text`; they must not overlap."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def overlaps(first: list[TextEdit], second: list[TextEdit]) -> bool:
    return any(a.start < b.end and b.start < a.end or a.start == b.start for a in first for b in second)


def replace_string(text: str, scalar: Scalar, new: str) -> TextEdit:
    """`scalar`'s text replaced by the string `new`, quoted as it was (plain, '...', or "...")."""
    written = text[scalar.start : scalar.end] if scalar.start >= 0 else ""
    quote = written[:1] if written[:1] in "\"'" else ""
    if not written or written.strip(quote) != scalar.value or "\n" in written:
        raise ConfigReadError("the value is not written on one line as read")
    return TextEdit(scalar.start, scalar.end, f"{quote}{new}{quote}")


def append_entry(text: str, mapping: Mapping, key: str, value: str | int, json_file: bool) -> TextEdit:
    """A new last entry of `mapping`, indented as its last entry (JSON: after a comma)."""
    entries = list(mapping.entries.values())
    if not entries or mapping.end < 0:
        raise ConfigReadError("the mapping to add it to is empty")
    last = entries[-1]
    if not isinstance(last.value, Scalar):
        raise ConfigReadError("the mapping's last entry is not a single value")
    lines = Lines(text)
    indent = text[lines.offset(last.line, 1) : lines.offset(last.line, last.column)]
    if json_file:
        rendered = json.dumps(value)
        if indent.strip():  # the entry shares its line with others: so does the new one
            return TextEdit(mapping.end, mapping.end, f", {json.dumps(key)}: {rendered}")
        return TextEdit(mapping.end, mapping.end, f",\n{indent}{json.dumps(key)}: {rendered}")
    if not mapping.block or indent.strip():
        raise ConfigReadError("the mapping is written in flow style ({...})")
    newline = "\r\n" if text[lines.line_end(mapping.end) - 1 : lines.line_end(mapping.end)] == "\r" else "\n"
    end = lines.line_end(last.value.end)
    rendered = f'"{value}"' if isinstance(value, str) else str(value)
    if end >= len(text):
        return TextEdit(end, end, f"{newline}{indent}{key}: {rendered}")
    return TextEdit(end + 1, end + 1, f"{indent}{key}: {rendered}{newline}")
