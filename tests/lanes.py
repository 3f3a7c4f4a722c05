"""The fast lane's share of a sweep over the fixtures.

A sweep runs every case in CI; in the edit loop (`pytest -m "not slow"`) it runs the first case of
each kind (a rule code, or `clean`), so that every rule is still exercised there. The other cases
carry the `slow` mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest


def fixture_kind(path: Path) -> str:
    """`wl003` for fixtures/wl003_manual_ramp/train.py, `clean` for a clean_* folder."""
    return path.parent.name.split("_", 1)[0]


def fast_share(cases: Iterable[Any], kind: Callable[[Any], str] = fixture_kind) -> list[Any]:
    """`cases` in order, all but the first of each kind marked slow (a tuple is the values of
    several argument names)."""
    seen: set[str] = set()
    params = []
    for case in cases:
        first = kind(case) not in seen
        seen.add(kind(case))
        values = case if isinstance(case, tuple) else (case,)
        params.append(case if first else pytest.param(*values, marks=pytest.mark.slow))
    return params
