"""Config-file fixtures (`fixtures/<case>/*.yaml|yml|json`), their markers, and their fixed counterparts.

YAML files mark findings as scripts do, with an `# expect: WL003` comment on the flagged line.
JSON has no comments: a sidecar `<name>.expect` lists `LINE CODE` pairs, one a line. The fixed
counterpart (`ds_config.fixed.json` beside `ds_config.json`) is what `warmlint fix --apply` writes,
with a YAML file's markers moved to what the fixed file still reports.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from conftest import FIXTURES, expected_markers
from fixture_pairs import ALL_FIXES, remark

from warmlint.configs import SUFFIXES
from warmlint.engine.fixer import FixOutcome, fix_bytes


def config_fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*/*") if p.name.endswith(SUFFIXES) and ".fixed." not in p.name)


def fixed_config_files() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*/*") if p.name.endswith(SUFFIXES) and ".fixed." in p.name)


def fixed_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.fixed{path.suffix}")


def expected_config_markers(path: Path) -> set[tuple[int, str]]:
    if path.suffix != ".json":
        return expected_markers(path)
    sidecar = path.with_name(path.name + ".expect")
    if not sidecar.is_file():
        return set()
    pairs = (line.split() for line in sidecar.read_text(encoding="utf-8").splitlines() if line.strip())
    return {(int(line), code) for line, code in pairs}


@cache
def fix_outcome(path: Path) -> FixOutcome:
    return fix_bytes(path.read_bytes(), str(path), ALL_FIXES)


def fixed_config(path: Path) -> bytes | None:
    """What the fixed counterpart must hold; None when no fix applies."""
    outcome = fix_outcome(path)
    if not outcome.applied:
        return None
    if path.suffix == ".json":
        return outcome.fixed
    return remark(outcome.fixed, str(fixed_path(path)))
