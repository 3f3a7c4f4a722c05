"""Inline suppressions: `# warmlint: ignore[WL001]`, `# noqa: WL001`, and file-level `# warmlint: noqa`.

A bare `# noqa` is left to the linter it was written for (E731 on an LR lambda, say): honouring
it would hide real findings. A suppression warmlint cannot read (`# warmlint: ignore WL002`
without brackets, an unknown code) suppresses nothing and is reported, never taken as a blanket
ignore. Each suppression read is kept as a `Directive` with where its codes stand in the comment,
so that one which hides nothing can be reported and rewritten without it (engine.unused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from warmlint.rule_index import RuleInfo

ALL = "*"

INVALID_SUPPRESSION = RuleInfo(
    "WL100",
    "invalid-suppression",
    "A suppression comment warmlint cannot read (no brackets, an unknown code) suppresses nothing.",
)
UNUSED_SUPPRESSION = RuleInfo(
    "WL101",
    "unused-suppression",
    "A suppression comment names a rule that reports nothing where the comment applies.",
    fixable=True,
)
# Reported by the engine about the file or its comments, so no comment on their line silences them.
UNSUPPRESSIBLE = frozenset({"WL000", INVALID_SUPPRESSION.code, UNUSED_SUPPRESSION.code})

_IGNORE = re.compile(r"#\s*warmlint:\s*ignore(?![\w-])", re.I)
_BRACKETS = re.compile(r"\s*\[(?P<codes>[^\]]*)\]")
# The list after `noqa:` is made of codes (E501, WL001) and rule names; it ends at the first other word.
_CODE = r"(?:[a-z]+\d+|wl|[a-z]\w*(?:-\w+)+)(?![\w-])"
_NOQA = re.compile(rf"#\s*noqa(?![\w-])(?::\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*))?", re.I)
_FILE = re.compile(r"^\s*#\s*warmlint:\s*noqa(?:\[(?P<codes>[^\]]*)\])?\s*$", re.I)
_OURS = re.compile(r"^WL\d*$", re.I)  # a code in warmlint's namespace, known or not
_WORD = re.compile(r"[^\s,]+")


@dataclass(frozen=True)
class BadSuppression:
    """A suppression comment that suppresses nothing, and why."""

    line: int
    comment: str
    reason: str


class Scope(Enum):
    LINE = "line"  # the findings of the statement on the comment's line
    FILE = "file"  # every finding in the file


@dataclass(frozen=True)
class Entry:
    """One word of a directive's list, and where it stands in the comment's text."""

    code: str | None  # the rule it names; None for another linter's code or one warmlint does not have
    start: int
    end: int


@dataclass(frozen=True)
class Directive:
    """One suppression as written: the part of its comment it spans (`start`, `end`), the words it
    lists (none for a blanket one) and the codes it suppresses (`ALL` for a blanket one)."""

    line: int
    scope: Scope
    start: int
    end: int
    entries: tuple[Entry, ...]
    codes: frozenset[str]

    def covers(self, code: str, lines: range) -> bool:
        return (self.scope is Scope.FILE or self.line in lines) and (ALL in self.codes or code in self.codes)


@dataclass
class Suppressions:
    directives: list[Directive] = field(default_factory=list)
    problems: list[BadSuppression] = field(default_factory=list)

    def add_comment(self, line: int, text: str, names: dict[str, str]) -> None:
        """Read one comment; `names` maps every known code and rule name to its code."""
        whole = _FILE.match(text)
        if whole:
            self._add(line, text, Scope.FILE, whole.start(), whole.end(), whole, names)
            return
        ignore = _IGNORE.search(text)
        if ignore:
            rest = text[ignore.end() :].strip()
            bracketed = _BRACKETS.match(text, ignore.end())
            if not rest or rest.startswith("#"):
                self._add(line, text, Scope.LINE, ignore.start(), ignore.end(), None, names)
            elif bracketed:
                self._add(line, text, Scope.LINE, ignore.start(), bracketed.end(), bracketed, names)
            else:
                self.problems.append(
                    BadSuppression(line, text, "write the codes in brackets: `# warmlint: ignore[WL001]`")
                )
            return
        noqa = _NOQA.search(text)
        if noqa and noqa.group("codes"):
            entries = [
                self._entry(line, text, word, names, judge=bool(_OURS.match(word.group())))
                for word in _WORD.finditer(text, noqa.start("codes"), noqa.end("codes"))
            ]
            codes = frozenset(e.code for e in entries if e.code)
            if codes:
                self.directives.append(Directive(line, Scope.LINE, noqa.start(), noqa.end(), tuple(entries), codes))

    def _add(
        self, line: int, text: str, scope: Scope, start: int, end: int, listed: re.Match | None, names: dict[str, str]
    ) -> None:
        """A directive with a bracketed list (`listed`), or a blanket one when there is no list."""
        if listed is None or listed.group("codes") is None:
            self.directives.append(Directive(line, scope, start, end, (), frozenset({ALL})))
            return
        words = list(_WORD.finditer(text, listed.start("codes"), listed.end("codes")))
        if not words:
            if scope is Scope.FILE:  # `# warmlint: noqa[]` is the whole file, as `# warmlint: noqa`
                self.directives.append(Directive(line, scope, start, end, (), frozenset({ALL})))
            else:
                self.problems.append(BadSuppression(line, text, "no rule code between the brackets"))
            return
        entries = tuple(self._entry(line, text, word, names, judge=True) for word in words)
        codes = frozenset(e.code for e in entries if e.code)
        if codes:
            self.directives.append(Directive(line, scope, start, end, entries, codes))

    def _entry(self, line: int, text: str, word: re.Match, names: dict[str, str], judge: bool) -> Entry:
        """The entry for one listed word; an unknown one is reported when it is warmlint's to `judge`."""
        code = names.get(word.group().lower())
        if code is None and judge:
            self.problems.append(BadSuppression(line, text, f"unknown rule {word.group()!r}"))
        return Entry(code, word.start(), word.end())

    def covering(self, code: str, lines: range) -> list[Directive]:
        """The directives that suppress `code` on a statement spanning `lines`."""
        return [d for d in self.directives if d.covers(code, lines)]

    def suppresses(self, code: str, lines: range) -> bool:
        return bool(self.covering(code, lines))
