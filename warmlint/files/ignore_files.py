"""`.gitignore`, `.ignore` and `.git/info/exclude`, matched with pathspec (git's own rules).

As ripgrep and ruff do: a deeper file wins over a shallower one, and in one folder `.ignore`
wins over `.gitignore`, which wins over `.git/info/exclude`; a `!pattern` re-includes. Files
above the folder a walk starts in count only up to the root of its git repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pathspec

# In rising precedence within one folder.
IGNORE_NAMES = (".gitignore", ".ignore")
REPOSITORY_EXCLUDE = Path(".git") / "info" / "exclude"


@dataclass(frozen=True)
class IgnoreFile:
    folder: Path  # absolute: its patterns are relative to it
    source: Path
    spec: pathspec.GitIgnoreSpec


def _read(folder: Path, source: Path) -> IgnoreFile | None:
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None  # an unreadable ignore file ignores nothing, as in git
    return IgnoreFile(folder, source, pathspec.GitIgnoreSpec.from_lines(lines))


def ignore_files_in(folder: Path, names: set[str] | None = None) -> list[IgnoreFile]:
    """The ignore files of one absolute folder, in rising precedence; `names`: the folder's
    entries when the caller has listed them already (no extra stat per folder)."""
    found = []
    exclude = folder / REPOSITORY_EXCLUDE
    if (names is None or ".git" in names) and exclude.is_file():
        found.append(_read(folder, exclude))
    for name in IGNORE_NAMES:
        source = folder / name
        if (name in names) if names is not None else source.is_file():
            found.append(_read(folder, source))
    return [ignore for ignore in found if ignore is not None]


def repository_root(folder: Path) -> Path | None:
    """The root of the git repository holding the absolute `folder` (the nearest folder with a
    `.git`, a folder or a worktree's file), or None."""
    return next((candidate for candidate in (folder, *folder.parents) if (candidate / ".git").exists()), None)


def ignore_files_up_to_repository(folder: Path) -> list[IgnoreFile]:
    """Those of the absolute `folder` and the folders above it, up to its repository's root;
    none when it is not inside a git repository (a stray ~/.gitignore is not the project's)."""
    root = repository_root(folder)
    if root is None:
        return []
    chain = [folder, *folder.parents]
    return [ignore for above in reversed(chain[: chain.index(root) + 1]) for ignore in ignore_files_in(above)]


def ignored_by(path: Path, is_dir: bool, ignores: list[IgnoreFile]) -> IgnoreFile | None:
    """The ignore file that ignores the absolute `path`, or None; the last one with a matching
    pattern decides."""
    for ignore in reversed(ignores):
        try:
            relative = path.relative_to(ignore.folder).as_posix()
        except ValueError:
            continue
        result = ignore.spec.check_file(relative + "/" if is_dir else relative)
        if result.include is not None:
            return ignore if result.include else None
    return None
