"""Which settings each file is checked with, and where each value came from.

As ruff does it: a file uses the nearest config file at or above its folder (`.warmlint.toml`,
then `warmlint.toml`, then a `pyproject.toml` with a `[tool.warmlint]` table); that file may
`extend` another, whose values it overrides; flags on the command line override every file.
`--config FILE` pins one file for every path. Where no warmlint file sets `line-length`, it is
the project formatter's (`warmlint.files.formatter`: ruff's, else black's, nearest the folder).
Nothing is merged implicitly across folders, so a file's result never depends on which other
paths are checked in the same run, or in what order.
Each folder is resolved once per run.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from warmlint.config import DEFAULTS, EXTENDABLE, Config, ConfigError, config_from, table_values
from warmlint.files import formatter

# Names looked for in each folder, the first found wins (as .ruff.toml, ruff.toml, pyproject.toml).
CONFIG_NAMES = (".warmlint.toml", "warmlint.toml", "pyproject.toml")
DEFAULT_ORIGIN = "default"
# A config file is a few lines: anything bigger is not one, and is not read into memory.
MAX_CONFIG_BYTES = 2 * 1024 * 1024
# `extend` chains longer than this are refused before the recursion gets deep.
MAX_EXTEND_DEPTH = 32


@dataclass(frozen=True)
class Setting:
    value: object
    origin: str  # "default", the config file that set it, or the flag; joined with " + " when extended


@dataclass(frozen=True)
class Layer:
    """The values one source sets, under flat keys: a config file, or the command line."""

    origin: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """The settings of one folder: the Config the engine gets, and each value's origin."""

    config: Config
    settings: dict[str, Setting]
    source: Path | None  # the config file that governs the folder; None: defaults and flags only


def apply_layers(layers: list[Layer]) -> dict[str, Setting]:
    """Defaults, then each layer in turn: a key replaces the value so far, `extend-<key>` adds to it."""
    settings = {key: Setting(value, DEFAULT_ORIGIN) for key, value in DEFAULTS.items()}
    for layer in layers:
        for key, value in layer.values.items():
            if key != "extend" and not key.startswith("extend-"):
                settings[key] = Setting(value, layer.origin)
        for key in EXTENDABLE:
            added = layer.values.get(f"extend-{key}")
            if added:
                before = settings[key]
                origin = layer.origin if before.origin == DEFAULT_ORIGIN else f"{before.origin} + {layer.origin}"
                settings[key] = Setting((*before.value, *added), origin)  # type: ignore[misc]
    return settings


def read_table(path: Path, known_codes: list[str]) -> dict[str, object] | None:
    """The validated warmlint table of `path`; None when a pyproject.toml has none.

    A pyproject.toml (or any file with a `[tool]` table) keeps it under `[tool.warmlint]`; a
    warmlint.toml keeps its keys at the top level."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: cannot read configuration: over {MAX_CONFIG_BYTES // 1024 // 1024} MB")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("warmlint") if isinstance(data.get("tool"), dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.warmlint] must be a table")
    else:
        table = data
    try:
        return table_values(table, known_codes)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def display(path: Path) -> str:
    """A path as the user would write it: relative to the current folder when it is below it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)


class SettingsResolver:
    """Resolves the settings of each folder, reading each config file once per run."""

    def __init__(self, known_codes: list[str], overrides: Sequence[Layer] = (), pinned: Path | None = None) -> None:
        self.known_codes = known_codes
        self.overrides = list(overrides)  # applied above every config file
        self._pinned = pinned.resolve() if pinned is not None else None
        self._nearest: dict[Path, Path | None] = {}
        self._tables: dict[Path, dict[str, object] | None] = {}
        self._chains: dict[Path, list[Layer]] = {}
        self._folders: dict[Path, Resolved] = {}
        self._formatter: dict[Path, formatter.FormatterLength | None] = {}
        if self._pinned is not None:
            self._chain(self._pinned)  # a bad --config fails before any file is read

    def for_path(self, path: Path) -> Resolved:
        """Settings for a file (those of its folder) or a folder; a path that does not exist
        (a --stdin-filename) is placed where it would be."""
        absolute = Path(os.path.abspath(path))
        return self.for_folder(absolute if absolute.is_dir() else absolute.parent)

    def config_for(self, path: Path) -> Config:
        return self.for_path(path).config

    def for_folder(self, folder: Path) -> Resolved:
        folder = Path(os.path.abspath(folder))
        resolved = self._folders.get(folder)
        if resolved is None:
            source = self._pinned or self.nearest_config(folder)
            layers = self._chain(source) if source is not None else []
            settings = apply_layers([*layers, *self.overrides])
            if settings["line-length"].origin == DEFAULT_ORIGIN:  # warmlint sets none: the formatter's
                found = self.formatter_length(folder)
                if found is not None:
                    settings["line-length"] = Setting(found.value, display(found.source))
            values = {key: setting.value for key, setting in settings.items()}
            root = source.parent if source is not None else None
            resolved = Resolved(config_from(values, root), settings, source)
            self._folders[folder] = resolved
        return resolved

    def nearest_config(self, folder: Path) -> Path | None:
        """The config file at or nearest above `folder` (memoised for every folder on the way up)."""
        walked = []
        current: Path | None = folder
        found = None
        while current is not None:
            if current in self._nearest:
                found = self._nearest[current]
                break
            walked.append(current)
            found = self._config_in(current)
            if found is not None:
                break
            current = current.parent if current.parent != current else None
        for seen in walked:
            self._nearest[seen] = found
        return found

    def formatter_length(self, folder: Path) -> formatter.FormatterLength | None:
        """The line length of the formatter config at or nearest above `folder` (memoised likewise)."""
        walked = []
        current: Path | None = folder
        found = None
        while current is not None:
            if current in self._formatter:
                found = self._formatter[current]
                break
            walked.append(current)
            found = formatter.in_folder(current)
            if found is not None:
                break
            current = current.parent if current.parent != current else None
        for seen in walked:
            self._formatter[seen] = found
        return found

    def _config_in(self, folder: Path) -> Path | None:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and self._table(candidate) is not None:
                return candidate
        return None

    def _table(self, path: Path) -> dict[str, object] | None:
        if path not in self._tables:
            self._tables[path] = read_table(path, self.known_codes)
        return self._tables[path]

    def _chain(self, path: Path, visiting: tuple[Path, ...] = ()) -> list[Layer]:
        """The layers of `path`: those of the file it extends (recursively), then its own."""
        if path in self._chains:
            return self._chains[path]
        if path in visiting:
            cycle = " -> ".join(display(p) for p in (*visiting, path))
            raise ConfigError(f"{display(path)}: `extend` goes round in a circle: {cycle}")
        if len(visiting) >= MAX_EXTEND_DEPTH:
            raise ConfigError(f"{display(visiting[0])}: `extend` goes more than {MAX_EXTEND_DEPTH} files deep")
        values = self._table(path)
        if values is None:
            raise ConfigError(f"{display(path)}: no [tool.warmlint] table")
        layers = []
        base = values.get("extend")
        if isinstance(base, str):
            target = _extend_target(path, base)
            layers = self._chain(target, (*visiting, path.resolve()))
        chain = [*layers, Layer(display(path), values)]
        self._chains[path] = chain
        return chain


def _extend_target(path: Path, base: str) -> Path:
    """The file `extend = base` in `path` names: a TOML file (anywhere, as with ruff), never a
    folder, a device or a file that is not a config file."""
    target = (path.parent / os.path.expanduser(base)).resolve()
    if target == path.resolve():
        raise ConfigError(f"{display(path)}: extend names this same file")
    if target.is_dir():
        raise ConfigError(f"{display(path)}: extend: {base!r} is a folder, not a config file")
    if not target.is_file():
        raise ConfigError(f"{display(path)}: extend: no such file {base!r}")
    if target.suffix != ".toml":
        raise ConfigError(f"{display(path)}: extend: {base!r} is not a .toml config file")
    return target
