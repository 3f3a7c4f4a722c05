"""Parent side of write redirection: set the scratch folder up, then say what the script wrote there.

The child mirrors each redirected path under the scratch folder (``scratch + absolute path``)
and logs each existing path it hid (removed, renamed away). After the run the parent lists both
and, with ``--keep-outputs DIR``, copies the written files into DIR, by their path under the
project (or the current folder).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warmlint.verify.protocol import SANDBOX_ENV
from warmlint.verify.untouched import TreeChanges


@dataclass(frozen=True)
class Redirect:
    """Where one run's writes go: ``scratch`` mirrors the paths under ``roots``."""

    folder: Path  # verify's own temporary folder: never redirected
    roots: tuple[Path, ...]

    @property
    def scratch(self) -> Path:
        return self.folder / "outputs"

    @property
    def removed_log(self) -> Path:
        return self.folder / "removed.jsonl"

    def add_environment(self, env: dict[str, str]) -> None:
        self.scratch.mkdir(exist_ok=True)
        spec = {
            "scratch": str(self.scratch),
            "roots": [str(root) for root in self.roots],
            "excluded": [str(self.folder.resolve()), str(self.folder)],
            "removed_log": str(self.removed_log),
        }
        env[SANDBOX_ENV] = json.dumps(spec)

    def collect(self, keep: Path | None) -> ScriptOutputs:
        written = sorted(_written(self.scratch))
        removed = sorted(set(_removed(self.removed_log)) - set(written))
        kept = _keep(self.scratch, written, self.roots, keep) if keep is not None and written else None
        return ScriptOutputs(tuple(written), tuple(removed), kept)


@dataclass(frozen=True)
class ScriptOutputs:
    """What the script wrote and removed, as it named the paths; the project itself kept none of it."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    kept_in: str | None = None


@dataclass(frozen=True)
class ProjectFiles:
    """How one run treated the project's files: redirected writes, and what changed anyway."""

    writes_allowed: bool
    outputs: ScriptOutputs | None
    changes: TreeChanges | None

    def notes(self) -> list[str]:
        if self.writes_allowed:
            return ["--allow-writes: the script's writes were not redirected, it could change files in the project"]
        outputs = self.outputs
        if outputs is None or not (outputs.written or outputs.removed):
            return []
        notes = []
        shown = _shown_from(self.changes.root if self.changes else None)
        if outputs.written:
            where = f"kept in {outputs.kept_in}" if outputs.kept_in else "discarded (--keep-outputs DIR keeps them)"
            notes.append(f"the script wrote {_count(outputs.written)}, redirected to a scratch copy and {where}: ")
            notes[-1] += ", ".join(map(shown, outputs.written))
        if outputs.removed:
            notes.append(f"the script removed or renamed {_count(outputs.removed)}, left in place: ")
            notes[-1] += ", ".join(map(shown, outputs.removed))
        return notes

    def to_json(self) -> dict[str, object]:
        outputs = self.outputs
        return {
            "writes_redirected": not self.writes_allowed,
            "written": list(outputs.written) if outputs else [],
            "removed": list(outputs.removed) if outputs else [],
            "kept_in": outputs.kept_in if outputs else None,
            "project": self.changes.to_json() if self.changes else None,
        }


def _shown_from(root: Path | None) -> Callable[[str], str]:
    """Paths under the project as relative ones, the way the user names them."""

    def shown(path: str) -> str:
        return os.path.relpath(path, root) if root is not None and Path(path).is_relative_to(root) else path

    return shown


def _count(paths: tuple[str, ...]) -> str:
    return f"{len(paths)} file" if len(paths) == 1 else f"{len(paths)} files"


def _written(scratch: Path) -> list[str]:
    found = []
    for folder, _, names in os.walk(scratch):
        for name in names:
            found.append("/" + os.path.relpath(os.path.join(folder, name), scratch))
    return found


def _removed(log: Path) -> list[str]:
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    paths = []
    for line in lines:
        try:
            paths.append(str(json.loads(line)))
        except ValueError:  # the child was killed mid-line
            continue
    return paths


def _keep(scratch: Path, written: list[str], roots: tuple[Path, ...], keep: Path) -> str:
    for path in written:
        target = keep / _relative(Path(path), roots)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(scratch / path.lstrip("/"), target)
    return str(keep)


def _relative(path: Path, roots: tuple[Path, ...]) -> Path:
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root)
    return Path(*path.parts[1:])
