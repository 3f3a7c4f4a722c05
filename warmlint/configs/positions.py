"""Offsets in a text to 1-based lines and columns, and back."""

from __future__ import annotations

from bisect import bisect_right


class Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column."""
        return self.starts[line - 1] + column - 1

    def line_end(self, offset: int) -> int:
        """The offset of the newline ending the line that holds `offset` (the text's end on the last line)."""
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end
