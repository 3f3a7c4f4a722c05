"""`warmlint check --statistics`: how many findings each rule has, fixable ones marked `[*]`."""

from __future__ import annotations

from collections import Counter

from warmlint.diagnostics import Diagnostic


def render_statistics(diagnostics: list[Diagnostic]) -> list[str]:
    counts = Counter(d.code for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fixable}
    names = {d.code: d.name for d in diagnostics}
    width = len(str(max(counts.values(), default=0)))
    return [
        f"{count:>{width}}\t{code}\t{'[*]' if code in fixable else '   '} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
