"""`warmlint check --statistics`: how many findings each rule has, with the fix marker text output uses."""

from __future__ import annotations

from collections import Counter

from warmlint.diagnostics import Diagnostic
from warmlint.output.markers import marker


def render_statistics(diagnostics: list[Diagnostic]) -> list[str]:
    """One row per rule and marker: a rule whose findings are fixed with different safety gets a row for each."""
    counts = Counter((d.code, marker(d)) for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    width = len(str(max(counts.values(), default=0)))
    shown = max((len(fix) for _, fix in counts), default=0)
    return [
        f"{count:>{width}}\t{code}\t{fix:<{shown}} {names[code]}"
        for (code, fix), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
