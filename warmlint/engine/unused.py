"""WL101: a suppression that hid nothing in this run, and its comment rewritten without it.

Only codes of rules that ran on the file are judged (a `# noqa: WL004` under `--select WL001`
may well be needed), and a blanket suppression only when every rule ran. The engine's own
reports (WL000, WL100, WL101) are not hidden by a comment on their line, so such codes are not
judged either; a file-level `# warmlint: noqa` (or `noqa[WL101]`) does hide the WL101 reports
of the line suppressions in its file, as it hides everything else there.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from warmlint.engine.suppressions import ALL, UNSUPPRESSIBLE, UNUSED_SUPPRESSION, Directive, Scope, Suppressions


@dataclass(frozen=True)
class Unused:
    """A directive, and what it lists that hid nothing (`ALL` alone for a blanket one)."""

    directive: Directive
    codes: tuple[str, ...]

    @property
    def whole(self) -> bool:
        """Nothing of the directive is left once the unused codes are gone."""
        return all(e.code in self.codes for e in self.directive.entries)

    def message(self) -> str:
        where = "in this file" if self.directive.scope is Scope.FILE else "on this line"
        if ALL in self.codes:
            return f"unused suppression: no rule reports anything {where}"
        verb = "reports" if len(self.codes) == 1 else "report"
        return f"unused suppression: {', '.join(self.codes)} {verb} nothing {where}"


def unused(
    suppressions: Suppressions, hidden: Mapping[Directive, Set[str]], ran: Set[str], checked: Set[str]
) -> list[Unused]:
    """The directives that name a rule which ran (`ran`) and hid none of its findings (`hidden`:
    the codes each directive hid). `checked`: every rule with a check. The reports about line
    directives are themselves hidden by a file-level `# warmlint: noqa` or `noqa[WL101]`."""
    judged = (ran & checked) - UNSUPPRESSIBLE
    every_rule_ran = checked <= ran
    hid = {directive: set(codes) for directive, codes in hidden.items()}

    def judge(directive: Directive) -> Unused | None:
        if ALL in directive.codes:
            return Unused(directive, (ALL,)) if every_rule_ran and not hid.get(directive) else None
        codes = tuple(sorted(c for c in directive.codes if c in judged and c not in hid.get(directive, ())))
        return Unused(directive, codes) if codes else None

    by_scope = {scope: [d for d in suppressions.directives if d.scope is scope] for scope in Scope}
    found = [u for u in map(judge, by_scope[Scope.LINE]) if u]
    hiding = [d for d in by_scope[Scope.FILE] if d.covers(UNUSED_SUPPRESSION.code, range(0))]
    if found and hiding:
        for directive in hiding:
            hid.setdefault(directive, set()).add(UNUSED_SUPPRESSION.code)
        found = []
    return found + [u for u in map(judge, by_scope[Scope.FILE]) if u]


def rewritten(text: str, found: Unused) -> str:
    """The comment `text` without the unused codes, or without the directive when none is left
    (the words around it kept); "" when nothing of the comment is left."""
    directive = found.directive
    if not found.whole:
        entries = directive.entries
        kept = [i for i, e in enumerate(entries) if e.code not in found.codes]
        # Each kept word with the separator that stood before it (none before the first).
        parts = [text[entries[kept[0]].start : entries[kept[0]].end]]
        parts += [text[entries[i - 1].end : entries[i].end] for i in kept[1:]]
        return text[: entries[0].start] + "".join(parts) + text[entries[-1].end :]
    before, after = text[: directive.start].rstrip(), text[directive.end :].strip()
    if after and not after.startswith("#"):  # `# warmlint: ignore[WL001]  tuned by hand`
        after = f"# {after}"
    return "  ".join(part for part in (before, after) if part)
