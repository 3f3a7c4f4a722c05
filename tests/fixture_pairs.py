"""A pitfall fixture and its fixed counterpart: `fixtures/<case>/train.py` next to `train.fixed.py`.

The fixed file is what `warmlint fix --apply --unsafe-fixes` writes where the fixture lies (at the
line length of the formatter config nearest to it: this repository's, or the fixture folder's
own), with the `# expect:` markers rewritten for what the fixed file still reports, so it passes
the same marker test as every fixture. Both tests/regenerate_golden.py and the tests read the pair from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import check_source
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The fixed files show every fix, the unsafe ones included.
ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))
FIXED_NAME = "train.fixed.py"
MARKER = re.compile(r"[ \t]*#\s*expect:\s*WL\d{3}(?:\s*,\s*WL\d{3})*[ \t]*$")


@dataclass(frozen=True)
class FixedPair:
    script: Path  # fixtures/<case>/train.py
    fixed: bytes  # what fixtures/<case>/train.fixed.py must hold
    fixed_codes: frozenset[str]  # the codes the fix removed

    @property
    def fixed_path(self) -> Path:
        return self.script.with_name(FIXED_NAME)


def pitfall_scripts() -> list[Path]:
    return sorted(FIXTURES.glob("wl[0-9][0-9][0-9]_*/train.py"))


@cache  # several tests read the same pair; fixing a fixture is the costly part
def fixed_pair(script: Path) -> FixedPair | None:
    """The pair for a pitfall fixture, or None when no fix applies to it."""
    line_length = SettingsResolver(all_codes()).config_for(script).line_length
    outcome = fix_bytes(script.read_bytes(), str(script), replace(ALL_FIXES, line_length=line_length))
    if not outcome.applied:
        return None
    fixed = remark(outcome.fixed, str(script.with_name(FIXED_NAME)))
    return FixedPair(script, fixed, frozenset(d.code for d in outcome.applied))


def remark(source: bytes, path: str) -> bytes:
    """`source` with its `# expect:` markers moved to the findings it now has (none, once fixed)."""
    lines = [MARKER.sub("", line) for line in source.decode("utf-8").split("\n")]
    findings: dict[int, list[str]] = {}
    for diagnostic in check_source("\n".join(lines).encode("utf-8"), path).diagnostics:
        findings.setdefault(diagnostic.line, []).append(diagnostic.code)
    for line, found in findings.items():
        lines[line - 1] += f"  # expect: {', '.join(sorted(set(found)))}"
    return "\n".join(lines).encode("utf-8")
