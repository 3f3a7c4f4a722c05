"""The ``project-untouched`` check: the project's files before and after the script ran.

The child redirects the writes it can see; a subprocess or native code writes where it likes.
So the parent records each file's size, mtime and (under 64 MB, within a byte budget) content
hash before the run and compares after it. Folders that are not the project's files (version
control, virtual environments, caches) are skipped, and the walk stops at a bounded number of
files, which the check then says.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from warmlint.verify.checks import FAIL, INFO, PASS, CheckResult

NAME = "project-untouched"
HASH_LIMIT_BYTES = 64 * 1024 * 1024
# Bytes hashed per snapshot; past it, files are compared by size and mtime only.
HASH_BUDGET_BYTES = 256 * 1024 * 1024
MAX_FILES = 20_000
SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules", ".tox", ".nox"}
    | {".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".warmlint_cache", ".ipynb_checkpoints"}
)
PROJECT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


def project_root(script: Path) -> Path:
    """The nearest folder above the script that marks a project, else the script's own folder."""
    folder = script.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return folder


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    digest: str | None  # None: too big, over the budget, or not a regular file


@dataclass(frozen=True)
class Snapshot:
    root: Path
    files: dict[str, FileState]
    # The walk stopped at MAX_FILES; files past it are not compared.
    truncated: bool
    unhashed: int


def take_snapshot(root: Path, max_files: int = MAX_FILES, budget: int = HASH_BUDGET_BYTES) -> Snapshot:
    files: dict[str, FileState] = {}
    unhashed = 0
    truncated = False
    for path in _walk(root):
        if len(files) >= max_files:
            truncated = True
            break
        try:
            info = os.lstat(path)
        except OSError:
            continue
        digest = None
        if stat.S_ISREG(info.st_mode) and info.st_size < HASH_LIMIT_BYTES and info.st_size <= budget:
            digest = _digest(path)
            budget -= info.st_size
        elif stat.S_ISREG(info.st_mode):
            unhashed += 1
        files[os.path.relpath(path, root)] = FileState(info.st_size, info.st_mtime_ns, digest)
    return Snapshot(root, files, truncated, unhashed)


def _walk(root: Path) -> Iterator[str]:
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
        )
        for name in sorted(names):
            yield os.path.join(folder, name)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


class Change(Enum):
    CHANGED = "changed"
    ADDED = "new"
    REMOVED = "removed"


@dataclass(frozen=True)
class TreeChanges:
    """What differs between two snapshots of one folder."""

    root: Path
    changes: tuple[tuple[str, Change], ...]
    compared: int
    truncated: bool
    unhashed: int

    def to_json(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "files_compared": self.compared,
            "truncated": self.truncated,
            "changes": [{"path": path, "change": change.value} for path, change in self.changes],
        }


def compare_snapshots(before: Snapshot, after: Snapshot) -> TreeChanges:
    changes: list[tuple[str, Change]] = []
    for path, old in before.files.items():
        new = after.files.get(path)
        if new is None:
            if not after.truncated:
                changes.append((path, Change.REMOVED))
        elif (old.size, old.mtime_ns) != (new.size, new.mtime_ns) or _differ(old.digest, new.digest):
            changes.append((path, Change.CHANGED))
    if not before.truncated:
        changes += [(path, Change.ADDED) for path in after.files if path not in before.files]
    return TreeChanges(
        before.root,
        tuple(sorted(changes)),
        len(before.files),
        before.truncated or after.truncated,
        before.unhashed,
    )


def _differ(old: str | None, new: str | None) -> bool:
    """Content differs: only known when both snapshots hashed the file."""
    return old is not None and new is not None and old != new


def check_project_untouched(changes: TreeChanges, writes_allowed: bool) -> CheckResult:
    limits = _limits(changes)
    if not changes.changes:
        return CheckResult(NAME, PASS, f"no project file changed while the script ran{limits}")
    listed = ", ".join(f"{path} ({change.value})" for path, change in changes.changes)
    count = len(changes.changes)
    noun = "file" if count == 1 else "files"
    if writes_allowed:
        return CheckResult(NAME, INFO, f"with --allow-writes the script changed {count} {noun}: {listed}")
    return CheckResult(
        NAME,
        FAIL,
        f"{count} {noun} under {changes.root} changed while the script ran, by a write verify could not "
        f"redirect (a subprocess or native code): {listed}",
    )


def _limits(changes: TreeChanges) -> str:
    said = []
    if changes.truncated:
        said.append(f"only the first {changes.compared} files were compared")
    if changes.unhashed:
        said.append(f"{changes.unhashed} large files by size and mtime only")
    return f" ({'; '.join(said)})" if said else ""
