"""`[tool.warmlint]` in pyproject.toml, validated strictly: unknown keys are errors."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

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

DECAYS = ("cosine", "linear", "step")
DEFAULT_FIX = {
    "warmup-steps": "auto",
    "decay": "cosine",
    "min-lr-ratio": 0.0,
    "total-steps": None,
    "unsafe-fixes": False,  # also make the fixes that delete or move user code
}


class ConfigError(Exception):
    """A configuration problem, reported to the user as one line, exit code 2."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thresholds: tuple[tuple[str, float], ...] = tuple(DEFAULT_THRESHOLDS.items())
    fix: tuple[tuple[str, object], ...] = tuple(DEFAULT_FIX.items())
    root: Path | None = None  # folder of the pyproject.toml it came from

    def threshold(self, key: str) -> float:
        return dict(self.thresholds)[key]

    def fix_option(self, key: str):
        return dict(self.fix)[key]

    def with_overrides(self, **changes) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_TOP_KEYS = ("select", "ignore", "exclude", "per-file-ignores", "thresholds", "fix")


def _codes(value, key: str, known: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'[tool.warmlint] {key} must be a list of rule codes, e.g. ["WL001"]')
    return tuple(validate_codes(value, key, known))


def validate_codes(codes, where: str, known: list[str]) -> list[str]:
    """Codes or prefixes (`WL00`, `WL`); an unknown one is an error listing the valid ones."""
    result = []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: unknown rule code {code!r}; valid codes: {', '.join(known)}")
        result.append(code)
    return result


def parse_table(table: dict, known_codes: list[str], root: Path | None = None) -> Config:
    unknown = sorted(set(table) - set(_TOP_KEYS))
    if unknown:
        raise ConfigError(f"[tool.warmlint] unknown key {unknown[0]!r}; valid keys: {', '.join(_TOP_KEYS)}")
    config = Config(root=root)
    if "select" in table:
        config = replace(config, select=_codes(table["select"], "select", known_codes))
    if "ignore" in table:
        config = replace(config, ignore=_codes(table["ignore"], "ignore", known_codes))
    if "exclude" in table:
        value = table["exclude"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError("[tool.warmlint] exclude must be a list of glob patterns")
        config = replace(config, exclude=tuple(value))
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError("[tool.warmlint] per-file-ignores must be a table of glob = [codes]")
        config = replace(
            config,
            per_file_ignores=tuple(
                (pattern, _codes(codes, f"per-file-ignores.{pattern!r}", known_codes))
                for pattern, codes in value.items()
            ),
        )
    if "thresholds" in table:
        config = replace(config, thresholds=_thresholds(table["thresholds"]))
    if "fix" in table:
        config = replace(config, fix=parse_fix_options(table["fix"], "[tool.warmlint.fix]"))
    return config


def _thresholds(value) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise ConfigError("[tool.warmlint] thresholds must be a table")
    merged = dict(DEFAULT_THRESHOLDS)
    for key, number in value.items():
        if key not in DEFAULT_THRESHOLDS:
            raise ConfigError(
                f"[tool.warmlint.thresholds] unknown key {key!r}; valid keys: {', '.join(DEFAULT_THRESHOLDS)}"
            )
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number <= 0:
            raise ConfigError(f"[tool.warmlint.thresholds] {key} must be a positive number, got {number!r}")
        merged[key] = float(number)
    return tuple(merged.items())


def parse_fix_options(value: dict, where: str) -> tuple[tuple[str, object], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    merged = dict(DEFAULT_FIX)
    for key, item in value.items():
        if key not in DEFAULT_FIX:
            raise ConfigError(f"{where} unknown key {key!r}; valid keys: {', '.join(DEFAULT_FIX)}")
        merged[key] = fix_value(key, item, where)
    return tuple(merged.items())


def fix_value(key: str, item, where: str):
    if key == "decay":
        if item not in DECAYS:
            raise ConfigError(f"{where} decay must be one of {', '.join(DECAYS)}, got {item!r}")
        return item
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


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a [tool.warmlint] table."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"{path}: cannot read configuration: {error}") from None
            if "warmlint" in data.get("tool", {}):
                return path
    return None


def load_config(start: Path, known_codes: list[str], explicit: Path | None = None) -> Config:
    """Config from `explicit`, or the nearest pyproject.toml above `start`, else the defaults."""
    path = explicit or find_pyproject(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    table = data.get("tool", {}).get("warmlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.warmlint] must be a table")
    try:
        return parse_table(table, known_codes, root=path.parent)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
