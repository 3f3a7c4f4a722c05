"""How a fix's safety is shown: the same marker in text, `--statistics`, `rule --all` and the
README; JSON and SARIF carry the same word (`fix_safety`: `safe` or `unsafe`)."""

from __future__ import annotations

from warmlint.diagnostics import Diagnostic, FixSafety

# `[*]`: `fix --apply` fixes it; `[*unsafe]`: only with `--unsafe-fixes` (the fix deletes or moves code).
FIX_MARKERS = {FixSafety.SAFE: "[*]", FixSafety.UNSAFE: "[*unsafe]"}
LEGEND = (
    f"{FIX_MARKERS[FixSafety.SAFE]} `warmlint fix --apply` fixes it; "
    f"{FIX_MARKERS[FixSafety.UNSAFE]} only with --unsafe-fixes (the fix deletes or moves code)"
)


def marker(diagnostic: Diagnostic) -> str:
    """The finding's marker, or "" when it has no automatic fix."""
    if not diagnostic.fixable:
        return ""
    return FIX_MARKERS[diagnostic.fix_safety or FixSafety.SAFE]


def rule_marker(safeties: set[FixSafety]) -> str:
    """A rule's marker from the safeties of its fixes: `[*]/[*unsafe]` when it depends on the finding."""
    return "/".join(FIX_MARKERS[safety] for safety in (FixSafety.SAFE, FixSafety.UNSAFE) if safety in safeties)
