"""The smallest line range that turns one text into another, as editors and SARIF apply it."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from warmlint.diagnostics import Span

# Line ends as the Python tokenizer (and so libcst's line numbers) counts them.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def changed_lines(before: str, after: str) -> tuple[Span, str]:
    """The 1-based region of `before` from the first to the last changed line, and the text that replaces it."""
    old, new = LINE.findall(before), LINE.findall(after)
    changes = [op for op in SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    old_start, new_start = changes[0][1], changes[0][3]
    old_end, new_end = changes[-1][2], changes[-1][4]
    start_line, start_column = line_start(old, old_start)
    end_line, end_column = line_start(old, old_end)
    return Span(start_line, start_column, end_line, end_column), "".join(new[new_start:new_end])


def line_start(lines: list[str], index: int) -> tuple[int, int]:
    """1-based line and column where line `index` (0-based) starts; past the last line, the end of the text."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return index + 1, 1
    return len(lines), len(lines[-1]) + 1
