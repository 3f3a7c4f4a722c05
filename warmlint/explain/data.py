"""`warmlint explain --format json`: the report's dataclasses as JSON (the shape is in docs/explain.md)."""

from __future__ import annotations

import dataclasses
import json
import math
from enum import Enum

from warmlint.explain.report import Report


def to_data(report: Report) -> dict:
    """Plain JSON values: tuples become lists, an enum its value, and an LR that is not a number null."""
    return _plain(dataclasses.asdict(report))


def render_json(report: Report) -> str:
    return json.dumps(to_data(report), indent=2, allow_nan=False)


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
