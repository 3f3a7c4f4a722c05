"""Inline suppressions: `# warmlint: ignore[WL001]`, `# noqa: WL001`, and file-level `# warmlint: noqa`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ALL = "*"
_LINE = re.compile(
    r"#\s*(?:warmlint:\s*ignore(?![\w-])(?:\[(?P<ignore>[^\]]*)\])?"
    r"|noqa(?![\w-])(?::\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?)",
    re.I)
_FILE = re.compile(r"^#\s*warmlint:\s*noqa(?:\[(?P<codes>[^\]]*)\])?\s*$", re.I)


def _codes(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset({ALL})
    return frozenset(c.upper() for c in re.split(r"[\s,]+", text.strip()) if c)


@dataclass
class Suppressions:
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    whole_file: frozenset[str] = frozenset()

    def add_comment(self, line: int, text: str) -> None:
        whole = _FILE.match(text.strip())
        if whole:
            self.whole_file = self.whole_file | _codes(whole.group("codes"))
            return
        match = _LINE.search(text)
        if match:
            codes = _codes(match.group("ignore") or match.group("noqa"))
            self.by_line[line] = self.by_line.get(line, frozenset()) | codes

    def suppresses(self, code: str, lines: range) -> bool:
        if ALL in self.whole_file or code in self.whole_file:
            return True
        for line in lines:
            codes = self.by_line.get(line)
            if codes and (ALL in codes or code in codes):
                return True
        return False
