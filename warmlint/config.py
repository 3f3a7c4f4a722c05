"""A warmlint table (`[tool.warmlint]` in pyproject.toml, or a warmlint.toml), validated strictly:
unknown keys are errors. Which file applies to which folder is `warmlint.files.settings`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from warmlint.rule_index import code_names

DEFAULT_THRESHOLDS = {
    # WL001: the run starts high and nothing changes it.
    "sgd-high": 0.05,
    "rmsprop-high": 0.01,
    "adam-high": 1e-3,
    "adam-transformer-high": 1e-4,
    "adam-any-model-high": 0.05,  # Adam with no scale evidence: small models train well at 1e-2
    # WL004: a decay exists but no warmup.
    "sgd-needs-warmup": 0.4,
    "rmsprop-needs-warmup": 0.01,
}


class Decay(str, Enum):
    """What follows the warmup in the schedule `fix` inserts (`fix.decay`)."""

    COSINE = "cosine"
    LINEAR = "linear"
    STEP = "step"


DECAYS = tuple(decay.value for decay in Decay)
DEFAULT_FIX = {
    "warmup-steps": "auto",
    "decay": Decay.COSINE,
    "min-lr-ratio": 0.0,
    "total-steps": None,
    "unsafe-fixes": False,  # also make the fixes that delete or move user code
}
DEFAULT_LINE_LENGTH = 88  # ruff's and black's default, where the project's formatter sets none
MAX_LINE_LENGTH = 320  # ruff's upper bound


class ConfigError(Exception):
    """A configuration problem, reported to the user as one line, exit code 2."""


@dataclass(frozen=True)
class Config:
    """The settings one file is checked with, after every config file and flag is applied."""

    select: tuple[str, ...] = ("ALL",)  # empty: no rule at all
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thresholds: tuple[tuple[str, float], ...] = tuple(DEFAULT_THRESHOLDS.items())
    fix: tuple[tuple[str, object], ...] = tuple(DEFAULT_FIX.items())
    respect_gitignore: bool = True
    ignore_noqa: bool = False  # report findings even where a suppression comment silences them
    line_length: int = DEFAULT_LINE_LENGTH  # where the lines a fix writes are broken
    root: Path | None = None  # folder of the config file it came from: patterns are relative to it

    def threshold(self, key: str) -> float:
        return dict(self.thresholds)[key]

    def fix_option(self, key: str):
        return dict(self.fix)[key]

    def with_overrides(self, **changes) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# Every setting under one flat key (`thresholds.sgd-high`, `fix.decay`), so that each one can be
# overridden on its own by a nearer file or a flag, and can say where its value came from.
DEFAULTS: dict[str, object] = {
    "select": ("ALL",),
    "ignore": (),
    "exclude": (),
    "per-file-ignores": (),
    "respect-gitignore": True,
    "ignore-noqa": False,
    "line-length": DEFAULT_LINE_LENGTH,  # without a warmlint setting: the formatter's (files.formatter)
    **{f"thresholds.{key}": value for key, value in DEFAULT_THRESHOLDS.items()},
    **{f"fix.{key}": value for key, value in DEFAULT_FIX.items()},
}
# Keys whose `extend-<key>` adds to the value inherited or set so far instead of replacing it.
EXTENDABLE = ("select", "ignore", "exclude")
_TOP_KEYS = (
    "extend",
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "respect-gitignore",
    "ignore-noqa",
    "line-length",
    "thresholds",
    "fix",
)


def _codes(value, key: str, known: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{key} must be a list of rule codes, e.g. ["WL001"]')
    return tuple(validate_codes(value, key, known))


def validate_codes(codes, where: str, known: list[str]) -> list[str]:
    """Codes, prefixes (`WL00`, `WL`) or rule names (`high-lr-without-schedule`), as codes;
    an unknown one is an error listing the valid ones."""
    names = code_names()
    result = []
    for code in codes:
        code = code.strip()
        code = names.get(code.lower(), code.upper())
        if not code:
            continue
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: unknown rule code {code!r}; valid codes: {', '.join(known)}")
        result.append(code)
    return result


def _globs(value, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of glob patterns")
    return tuple(value)


def table_values(table: dict, known_codes: list[str]) -> dict[str, object]:
    """The validated values a warmlint table sets, under flat keys; `extend` (a path) and the
    `extend-*` keys are kept as written for the resolver to apply."""
    unknown = sorted(set(table) - set(_TOP_KEYS))
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}; valid keys: {', '.join(_TOP_KEYS)}")
    values: dict[str, object] = {}
    if "extend" in table:
        if not isinstance(table["extend"], str) or not table["extend"]:
            raise ConfigError('extend must be the path of another config file, e.g. "../pyproject.toml"')
        values["extend"] = table["extend"]
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        if key in table:
            values[key] = _codes(table[key], key, known_codes)
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key] = _globs(table[key], key)
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError("per-file-ignores must be a table of glob = [codes]")
        values["per-file-ignores"] = tuple(
            (pattern, _codes(codes, f"per-file-ignores.{pattern!r}", known_codes)) for pattern, codes in value.items()
        )
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError("respect-gitignore must be true or false")
        values["respect-gitignore"] = table["respect-gitignore"]
    if "ignore-noqa" in table:
        if not isinstance(table["ignore-noqa"], bool):
            raise ConfigError("ignore-noqa must be true or false")
        values["ignore-noqa"] = table["ignore-noqa"]
    if "line-length" in table:
        values["line-length"] = line_length_value(table["line-length"], "line-length")
    if "thresholds" in table:
        values.update((f"thresholds.{k}", v) for k, v in _thresholds(table["thresholds"]).items())
    if "fix" in table:
        values.update((f"fix.{k}", v) for k, v in _fix_options(table["fix"], "fix").items())
    return values


def config_from(values: dict[str, object], root: Path | None = None) -> Config:
    """A Config from flat values (any key left out keeps its default)."""
    merged = {**DEFAULTS, **values}
    return Config(
        select=merged["select"],  # type: ignore[arg-type]
        ignore=merged["ignore"],  # type: ignore[arg-type]
        exclude=merged["exclude"],  # type: ignore[arg-type]
        per_file_ignores=merged["per-file-ignores"],  # type: ignore[arg-type]
        thresholds=tuple((k, merged[f"thresholds.{k}"]) for k in DEFAULT_THRESHOLDS),  # type: ignore[misc]
        fix=tuple((k, merged[f"fix.{k}"]) for k in DEFAULT_FIX),
        respect_gitignore=bool(merged["respect-gitignore"]),
        ignore_noqa=bool(merged["ignore-noqa"]),
        line_length=int(merged["line-length"]),  # type: ignore[call-overload]
        root=root,
    )


def parse_table(table: dict, known_codes: list[str], root: Path | None = None) -> Config:
    """One table on its own, over the defaults (`extend` is not followed)."""
    values = table_values(table, known_codes)
    for key in EXTENDABLE:
        if f"extend-{key}" in values:
            values[key] = (*values.get(key, DEFAULTS[key]), *values.pop(f"extend-{key}"))  # type: ignore[misc]
    values.pop("extend", None)
    return config_from(values, root)


def line_length_value(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LINE_LENGTH:
        raise ConfigError(f"{where} must be an integer from 1 to {MAX_LINE_LENGTH}, got {value!r}")
    return value


def _thresholds(value) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError("thresholds must be a table")
    result = {}
    for key, number in value.items():
        if key not in DEFAULT_THRESHOLDS:
            raise ConfigError(f"thresholds: unknown key {key!r}; valid keys: {', '.join(DEFAULT_THRESHOLDS)}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number <= 0:
            raise ConfigError(f"thresholds.{key} must be a positive number, got {number!r}")
        result[key] = float(number)
    return result


def _fix_options(value, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    result = {}
    for key, item in value.items():
        if key not in DEFAULT_FIX:
            raise ConfigError(f"{where}: unknown key {key!r}; valid keys: {', '.join(DEFAULT_FIX)}")
        result[key] = fix_value(key, item, where)
    return result


def fix_value(key: str, item, where: str):
    if key == "decay":
        if item not in DECAYS:
            raise ConfigError(f"{where} decay must be one of {', '.join(DECAYS)}, got {item!r}")
        return Decay(item)
    if key == "min-lr-ratio":
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not 0 <= item < 1:
            raise ConfigError(f"{where} min-lr-ratio must be a number in [0, 1), got {item!r}")
        return float(item)
    if key == "unsafe-fixes":
        if not isinstance(item, bool):
            raise ConfigError(f"{where} unsafe-fixes must be true or false, got {item!r}")
        return item
    if key == "warmup-steps":
        if item == "auto" or (isinstance(item, int) and not isinstance(item, bool) and item >= 1):
            return item
        raise ConfigError(f'{where} warmup-steps must be a positive integer or "auto", got {item!r}')
    if item is None or (isinstance(item, int) and not isinstance(item, bool) and item >= 1):
        return item  # total-steps
    raise ConfigError(f"{where} total-steps must be a positive integer, got {item!r}")
