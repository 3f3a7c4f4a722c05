"""Paths on the command line -> the Python files (scripts, stubs, notebooks) to check."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from warmlint.config import Config
from warmlint.engine.selection import path_matches

SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    ".venv",
    "venv",
    "env",
    ".env",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".warmlint_cache",
    "site-packages",
    ".eggs",
    ".ipynb_checkpoints",  # Jupyter's autosaved copies of the notebooks beside it
}
# Files a directory walk checks (`exclude = ["*.ipynb"]` leaves notebooks out).
SUFFIXES = (".py", ".pyi", ".ipynb")


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
    seen: set[str] = set()

    def add(path: Path, key: str | None = None) -> None:
        """`key`: the file's real path, when the caller knows it without asking the file system."""
        if key is None:
            key = str(path.resolve() if path.exists() else path)
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
    """Depth-first, in name order, one os.scandir per folder (no stat per file on most file systems)."""
    visited: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:  # a symlink loop, or a folder reached twice
                continue
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            found.errors.append(f"{error.filename or folder}: {error.strerror or error}")
            continue
        real_folder = os.path.realpath(folder)
        subfolders = []
        for entry in entries:
            path = folder / entry.name
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.name.endswith(SUFFIXES) and entry.is_file()
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir and _walked_into(path, entry.name, config):
                subfolders.append(path)
            elif is_file and not _excluded(path, config):
                add(path, str(path.resolve()) if is_link else os.path.join(real_folder, entry.name))
        pending.extend(reversed(subfolders))


def _walked_into(folder: Path, name: str, config: Config) -> bool:
    return (
        name not in SKIP_DIRS
        and not name.endswith(".egg-info")
        and not _is_virtualenv(folder)
        and not _excluded(folder, config)
    )
