"""Inline suppressions: `# warmlint: ignore[WL001]`, `# noqa: WL001`, and file-level `# warmlint: noqa`.

A bare `# noqa` is left to the linter it was written for (E731 on an LR lambda, say): honouring
it would hide real findings. A suppression warmlint cannot read (`# warmlint: ignore WL002`
without brackets, an unknown code) suppresses nothing and is reported, never taken as a blanket
ignore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warmlint.rule_index import RuleInfo

ALL = "*"

INVALID_SUPPRESSION = RuleInfo(
    "WL100",
    "invalid-suppression",
    "A suppression comment warmlint cannot read (no brackets, an unknown code) suppresses nothing.",
)
_IGNORE = re.compile(r"#\s*warmlint:\s*ignore(?![\w-])(?P<rest>.*)$", re.I)
_BRACKETS = re.compile(r"^\[(?P<codes>[^\]]*)\]")
_NOQA = re.compile(r"#\s*noqa(?![\w-])(?::\s*(?P<codes>[\w-]+(?:[\s,]+[\w-]+)*))?", re.I)
_FILE = re.compile(r"^#\s*warmlint:\s*noqa(?:\[(?P<codes>[^\]]*)\])?\s*$", re.I)
_OURS = re.compile(r"^WL\d*$", re.I)  # a code in warmlint's namespace, known or not


@dataclass(frozen=True)
class BadSuppression:
    """A suppression comment that suppresses nothing, and why."""

    line: int
    comment: str
    reason: str


@dataclass
class Suppressions:
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    whole_file: frozenset[str] = frozenset()
    problems: list[BadSuppression] = field(default_factory=list)

    def add_comment(self, line: int, text: str, names: dict[str, str]) -> None:
        """Read one comment; `names` maps every known code and rule name to its code."""
        whole = _FILE.match(text.strip())
        if whole:
            codes = self._codes(line, text, whole.group("codes"), names, bare_means_all=True)
            self.whole_file = self.whole_file | codes
            return
        ignore = _IGNORE.search(text)
        if ignore:
            rest = ignore.group("rest").strip()
            bracketed = _BRACKETS.match(rest)
            if not rest or rest.startswith("#"):
                self._add(line, frozenset({ALL}))
            elif bracketed:
                self._add(line, self._codes(line, text, bracketed.group("codes"), names, bare_means_all=False))
            else:
                self.problems.append(
                    BadSuppression(line, text, "write the codes in brackets: `# warmlint: ignore[WL001]`")
                )
            return
        noqa = _NOQA.search(text)
        if noqa and noqa.group("codes"):
            ours = [c for c in re.split(r"[\s,]+", noqa.group("codes")) if _OURS.match(c) or c.lower() in names]
            if ours:
                self._add(line, self._codes(line, text, ",".join(ours), names, bare_means_all=False))

    def _add(self, line: int, codes: frozenset[str]) -> None:
        if codes:
            self.by_line[line] = self.by_line.get(line, frozenset()) | codes

    def _codes(
        self, line: int, text: str, listed: str | None, names: dict[str, str], bare_means_all: bool
    ) -> frozenset[str]:
        words = [w for w in re.split(r"[\s,]+", (listed or "").strip()) if w]
        if not words:
            if bare_means_all:
                return frozenset({ALL})
            self.problems.append(BadSuppression(line, text, "no rule code between the brackets"))
            return frozenset()
        codes = set()
        for word in words:
            code = names.get(word.lower())
            if code is None:
                self.problems.append(BadSuppression(line, text, f"unknown rule {word!r}"))
            else:
                codes.add(code)
        return frozenset(codes)

    def suppresses(self, code: str, lines: range) -> bool:
        if ALL in self.whole_file or code in self.whole_file:
            return True
        for line in lines:
            codes = self.by_line.get(line)
            if codes and (ALL in codes or code in codes):
                return True
        return False
