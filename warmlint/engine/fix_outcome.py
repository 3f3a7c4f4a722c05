"""What fixing one file came to: shared by the fix loop for Python and the one for config files."""

from __future__ import annotations

from dataclasses import dataclass, field

from warmlint.diagnostics import Diagnostic, FixSafety

# Rounds before the loop gives up: each round applies at least one fix, so only fixes that
# keep re-creating work (a bug) reach it.
MAX_ROUNDS = 100


@dataclass
class FixOutcome:
    path: str
    original: bytes
    fixed: bytes
    applied: list[Diagnostic] = field(default_factory=list)  # as each round found them, in its module
    remaining: list[Diagnostic] = field(default_factory=list)  # what is still reported afterwards
    error: str | None = None
    out_of_rounds: bool = False  # MAX_ROUNDS reached with fixes still to apply

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    @property
    def unsafe_left(self) -> list[Diagnostic]:
        """Findings whose fix was not made because it is unsafe and unsafe fixes are off."""
        return [d for d in self.remaining if d.fixable and d.fix_safety is FixSafety.UNSAFE]
