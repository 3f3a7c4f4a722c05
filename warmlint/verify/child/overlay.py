"""A copy-on-write view of the protected folders: writes land in a scratch folder, reads see them.

A path under a protected root maps to ``scratch + path`` (its *shadow*). A write goes to the
shadow (an append or an in-place edit first copies the real file there); a removal hides the real
path (a *whiteout*, logged so the parent can list it); a read takes the shadow when there is one,
fails for a hidden path, and otherwise uses the path exactly as given, so relative paths keep
resolving as before. Paths outside the roots, and under the excluded folders (verify's own
files), are never touched. Plain data and path arithmetic: ``sandbox`` wires it into ``os``,
``io``, ``shutil`` and ``torch``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Overlay:
    """The redirection's state in one process: where shadows go, and what the script removed."""

    scratch: str
    roots: tuple[str, ...]
    excluded: tuple[str, ...]
    # Where each hidden path is appended (one JSON string a line) for the parent to read.
    removed_log: str
    # The real functions, taken before they are replaced.
    real: dict[str, Callable[..., Any]] = field(default_factory=dict)
    whiteouts: set[str] = field(default_factory=set)
    # Re-created after a whiteout: the real folder's entries stay hidden.
    opaque: set[str] = field(default_factory=set)

    # -- which paths are ours ---------------------------------------------------------

    def protected(self, path: Any) -> str | None:
        """The absolute path when ``path`` is a path under a protected root; None otherwise."""
        if isinstance(path, int) or not isinstance(path, str | bytes | os.PathLike):
            return None
        absolute = os.path.abspath(os.fsdecode(path))
        if any(_under(absolute, root) for root in self.excluded):
            return None
        return absolute if any(_under(absolute, root) for root in self.roots) else None

    def shadow(self, absolute: str) -> str:
        return self.scratch + absolute

    def hidden(self, absolute: str) -> bool:
        """Removed from the view: the path or a folder above it was removed, or re-created empty."""
        if not self.whiteouts and not self.opaque:
            return False
        if absolute in self.whiteouts:
            return True
        parent = os.path.dirname(absolute)
        while True:
            if parent in self.whiteouts or parent in self.opaque:
                return True
            above = os.path.dirname(parent)
            if above == parent:
                return False
            parent = above

    def _lstat(self, path: str) -> os.stat_result | None:
        try:
            return self.real["lstat"](path)
        except OSError:
            return None

    def real_visible(self, absolute: str) -> os.stat_result | None:
        """The real file's lstat, when the view still shows it."""
        return None if self.hidden(absolute) else self._lstat(absolute)

    def view_stat(self, absolute: str) -> os.stat_result | None:
        return self._lstat(self.shadow(absolute)) or self.real_visible(absolute)

    # -- reads ----------------------------------------------------------------------

    def read_path(self, path: Any) -> Any:
        """What a read of ``path`` opens: its shadow, the path unchanged, or FileNotFoundError."""
        absolute = self.protected(path)
        if absolute is None:
            return path
        shadow = self.shadow(absolute)
        if self._lstat(shadow) is not None:
            return shadow
        if self.hidden(absolute):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fsdecode(path))
        return path

    def list_names(self, absolute: str) -> list[str] | None:
        """The merged listing of a protected folder; None when the view has no folder there."""
        names: dict[str, None] = {}
        found = False
        real = self.real_visible(absolute)
        if real is not None and stat.S_ISDIR(real.st_mode) and absolute not in self.opaque:
            found = True
            for name in self.real["listdir"](absolute):
                if not self.hidden(os.path.join(absolute, name)):
                    names[name] = None
        shadow = self._lstat(self.shadow(absolute))
        if shadow is not None and stat.S_ISDIR(shadow.st_mode):
            found = True
            names.update(dict.fromkeys(self.real["listdir"](self.shadow(absolute))))
        elif real is None and shadow is None:
            return None
        return list(names) if found else None

    # -- writes ---------------------------------------------------------------------

    def write_path(self, path: Any, copy_existing: bool = False) -> Any:
        """Where a write to ``path`` goes: its shadow (made ready) or, outside the roots, ``path``."""
        absolute = self.protected(path)
        if absolute is None:
            return path
        real = self.real_visible(absolute)
        if real is not None and not (stat.S_ISREG(real.st_mode) or stat.S_ISDIR(real.st_mode)):
            return path  # a device or a pipe: writing to it changes no file
        shadow = self.shadow(absolute)
        parent = os.path.dirname(absolute)
        parent_view = self.view_stat(parent)
        if parent_view is None or not stat.S_ISDIR(parent_view.st_mode):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fsdecode(path))
        self.real["makedirs"](os.path.dirname(shadow), exist_ok=True)
        if copy_existing and real is not None and stat.S_ISREG(real.st_mode) and self._lstat(shadow) is None:
            self.real["copy2"](absolute, shadow)
        if absolute in self.whiteouts:  # written again after its removal: the real folder's entries stay gone
            self.whiteouts.discard(absolute)
            self.opaque.add(absolute)
        return shadow

    def remove(self, absolute: str) -> None:
        """Take a path out of the view (its shadow goes, the real file is hidden)."""
        shadow = self.shadow(absolute)
        if self._lstat(shadow) is not None:
            if os.path.isdir(shadow) and not os.path.islink(shadow):
                self.real["rmtree"](shadow)
            else:
                self.real["unlink"](shadow)
        if self.real_visible(absolute) is not None:
            self.whiteouts.add(absolute)
            with self.real["open"](self.removed_log, "a", encoding="utf-8") as log:
                log.write(json.dumps(absolute) + "\n")

    def make_folder(self, absolute: str, mode: int) -> None:
        self.real["makedirs"](os.path.dirname(self.shadow(absolute)), exist_ok=True)
        self.real["mkdir"](self.shadow(absolute), mode)

    def move(self, source: Any, target: Any, replace: Callable[..., Any]) -> None:
        """``os.rename``/``os.replace`` in the view: a real protected source is copied, then hidden."""
        source_absolute = self.protected(source)
        origin = self.read_path(source)
        if self._lstat(os.fsdecode(origin)) is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fsdecode(source))
        destination = self.write_path(target)
        if source_absolute is not None and origin is source:  # the real file: copy it, never move it
            if os.path.isdir(origin) and not os.path.islink(origin):
                self.real["copytree"](origin, destination, symlinks=True, dirs_exist_ok=True)
            else:
                self.real["copy2"](origin, destination, follow_symlinks=False)
        else:
            replace(origin, destination)
        if source_absolute is not None:
            self.remove(source_absolute)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def missing(path: Any) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fsdecode(path))


class MergedScandir:
    """``os.scandir`` over a protected folder: the visible real entries, then the shadow's."""

    def __init__(self, overlay: Overlay, absolute: str, given: Any) -> None:
        self._entries: list[os.DirEntry[str]] = []
        seen: set[str] = set()
        scandir = overlay.real["scandir"]
        shadow = overlay.shadow(absolute)
        if os.path.isdir(shadow):
            with scandir(shadow) as entries:
                for entry in entries:
                    seen.add(entry.name)
                    self._entries.append(entry)
        real = overlay.real_visible(absolute)
        if real is not None and stat.S_ISDIR(real.st_mode) and absolute not in overlay.opaque:
            with scandir(given) as entries:
                for entry in entries:
                    if entry.name not in seen and not overlay.hidden(os.path.join(absolute, entry.name)):
                        self._entries.append(entry)
        self._iterator: Iterator[os.DirEntry[str]] = iter(self._entries)

    def __iter__(self) -> MergedScandir:
        return self

    def __next__(self) -> os.DirEntry[str]:
        return next(self._iterator)

    def __enter__(self) -> MergedScandir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._iterator = iter(())


def remember_real(overlay: Overlay) -> None:
    overlay.real.update(
        open=open,
        lstat=os.lstat,
        listdir=os.listdir,
        scandir=os.scandir,
        makedirs=os.makedirs,
        mkdir=os.mkdir,
        unlink=os.unlink,
        copy2=shutil.copy2,
        copytree=shutil.copytree,
        rmtree=shutil.rmtree,
    )
