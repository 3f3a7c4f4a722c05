"""Which rules run on which file: select, ignore and per-file-ignores."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from warmlint.config import Config


def _matches(code: str, patterns) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in patterns)


def enabled_codes(config: Config, path: str, codes: list[str]) -> set[str]:
    selected = [c for c in codes if _matches(c, config.select)]  # select = []: none
    ignored = list(config.ignore)
    for pattern, file_codes in config.per_file_ignores:
        if path_matches(path, pattern, config):
            ignored.extend(file_codes)
    return {c for c in selected if not _matches(c, ignored)}


def path_matches(path: str, pattern: str, config: Config) -> bool:
    """Glob match against the path as given, relative to the config's folder, and its parts."""
    given = Path(path)
    candidates = {given.as_posix(), given.name}
    if config.root is not None:
        try:
            candidates.add(given.resolve().relative_to(config.root.resolve()).as_posix())
        except (ValueError, OSError):
            pass
    folder_pattern = pattern.rstrip("/") + "/*"
    return any(
        fnmatch(c, pattern) or fnmatch(c, folder_pattern) or fnmatch(c, "*/" + folder_pattern) for c in candidates
    )
