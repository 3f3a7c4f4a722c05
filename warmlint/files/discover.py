"""Paths on the command line -> the files to check (scripts, stubs, notebooks, YAML/JSON configs).

Each folder is walked with its own settings (its `exclude`, its `respect-gitignore`), so a
file is found or skipped the same way whichever other paths are named with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from warmlint.configs import SUFFIXES as CONFIG_SUFFIXES
from warmlint.diagnostics import Unchecked
from warmlint.engine.selection import path_matches
from warmlint.files.ignore_files import IgnoreFile, ignore_files_in, ignore_files_up_to_repository, ignored_by
from warmlint.files.settings import Resolved, SettingsResolver, display

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
# Files a directory walk checks (`exclude = ["*.ipynb"]` leaves notebooks out); YAML and JSON
# files are checked when their content is a training config (warmlint.configs).
SUFFIXES = (".py", ".pyi", ".ipynb", *CONFIG_SUFFIXES)


@dataclass(frozen=True)
class Excluded:
    """A path named on the command line that --force-exclude skipped, and why."""

    path: Path
    reason: str


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[Unchecked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    skipped: int = 0  # files and folders left out of walks by excludes and ignore files


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def discover(paths: list[Path], resolver: SettingsResolver, force_exclude: bool = False) -> Discovery:
    """Python files under `paths`, in a stable order, without duplicates.

    Directories are walked recursively, skipping VCS folders, virtualenvs, build output,
    `exclude` globs and what ignore files ignore. Paths named explicitly are always checked,
    unless `force_exclude` (as pre-commit passes file names) applies the excludes to them too.
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
            found.errors.append(Unchecked(str(path), "no such file or directory"))
            continue
        is_dir = path.is_dir()
        absolute = Path(os.path.abspath(path))
        ignores = _ignores_above(absolute, resolver.for_path(absolute.parent))
        reason = _why_excluded(path, absolute, is_dir, resolver.for_path(absolute.parent), ignores)
        if reason and force_exclude:
            found.excluded.append(Excluded(path, reason))
        elif is_dir:
            # Named explicitly: walked even when ignored, with only the ignore files inside it.
            _walk(path, [] if ignored_by(absolute, True, ignores) else ignores, resolver, add, found)
        elif path.is_file() or path.is_symlink():
            add(path)
        else:
            found.errors.append(Unchecked(str(path), "not a regular file"))
    return found


def _ignores_above(absolute: Path, settings: Resolved) -> list[IgnoreFile]:
    """The ignore files that apply to a path named on the command line."""
    if not settings.config.respect_gitignore:
        return []
    return ignore_files_up_to_repository(absolute.parent)


def _why_excluded(path: Path, absolute: Path, is_dir: bool, settings: Resolved, ignores: list[IgnoreFile]) -> str:
    """Why a path is left out ("" when it is not): an `exclude` glob or an ignore file."""
    for pattern in settings.config.exclude:
        if path_matches(str(path), pattern, settings.config):
            return f"exclude pattern {pattern!r} ({settings.settings['exclude'].origin})"
    ignore = ignored_by(absolute, is_dir, ignores)
    return f"ignored by {display(ignore.source)}" if ignore else ""


def _walk(root: Path, ignores: list[IgnoreFile], resolver: SettingsResolver, add, found: Discovery) -> None:
    """Depth-first, in name order, one os.scandir per folder (no stat per file on most file systems)."""
    visited: set[tuple[int, int]] = set()
    pending = [(root, ignores)]
    while pending:
        folder, above = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:  # a symlink loop, or a folder reached twice
                continue
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            found.errors.append(Unchecked(str(error.filename or folder), str(error.strerror or error)))
            continue
        absolute = Path(os.path.abspath(folder))
        settings = resolver.for_folder(absolute)
        if settings.config.respect_gitignore:
            here = above + ignore_files_in(absolute, {entry.name for entry in entries})
        else:
            here = []
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
            if not (is_dir or is_file):
                continue
            if is_dir and not _walked_into(path, entry.name):
                continue
            filtered = bool(here or settings.config.exclude)  # else nothing can exclude it: no test to make
            if filtered and _why_excluded(path, absolute / entry.name, is_dir, settings, here):
                found.skipped += 1
            elif is_dir:
                subfolders.append((path, here))
            else:
                add(path, str(path.resolve()) if is_link else os.path.join(real_folder, entry.name))
        pending.extend(reversed(subfolders))


def _walked_into(folder: Path, name: str) -> bool:
    return name not in SKIP_DIRS and not name.endswith(".egg-info") and not _is_virtualenv(folder)
