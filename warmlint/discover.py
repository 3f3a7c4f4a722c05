"""Paths on the command line -> the Python files to check."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from warmlint.config import Config
from warmlint.selection import path_matches

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", "build", "dist", ".venv", "venv",
             "env", ".env", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
             ".warmlint_cache", "site-packages", ".eggs"}


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: "path: cause"


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def discover(paths: list[Path], config: Config, force_exclude: bool = False) -> Discovery:
    """Python files under `paths`, in a stable order, without duplicates.

    Directories are walked recursively, skipping VCS folders, virtualenvs, build
    output and `exclude` globs. Files named explicitly are always checked, unless
    `force_exclude` (as pre-commit passes file names) applies the excludes to them too.
    """
    found = Discovery()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            found.files.append(path)

    for path in paths:
        if not path.exists() and not path.is_symlink():
            found.errors.append(f"{path}: no such file or directory")
        elif path.is_dir():
            _walk(path, config, add, found)
        elif force_exclude and _excluded(path, config):
            continue
        elif path.is_file() or path.is_symlink():
            add(path)
        else:
            found.errors.append(f"{path}: not a regular file")
    return found


def _excluded(path: Path, config: Config) -> bool:
    return any(path_matches(str(path), pattern, config) for pattern in config.exclude)


def _walk(root: Path, config: Config, add, found: Discovery) -> None:
    visited: set[tuple[int, int]] = set()
    for folder, dirnames, filenames in os.walk(root, followlinks=True,
                                               onerror=lambda e: found.errors.append(f"{e.filename}: {e.strerror}")):
        here = Path(folder)
        try:
            stat = here.stat()
        except OSError:
            dirnames[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in visited:  # a symlink loop
            dirnames[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.endswith(".egg-info")
                             and not _is_virtualenv(here / d) and not _excluded(here / d, config))
        for name in sorted(filenames):
            path = here / name
            if name.endswith((".py", ".pyi")) and not _excluded(path, config) and path.is_file():
                add(path)
