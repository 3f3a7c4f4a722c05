"""``--compare``: run the script as it is and as ``warmlint fix`` would change it, never touching the user's file."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warmlint.verify.core import VerifyOptions, verify_path
from warmlint.verify.result import VerifyResult

# Sibling files bigger than this (datasets, checkpoints) are linked into the temporary folder, not copied.
COPY_LIMIT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Comparison:
    before: VerifyResult
    after: VerifyResult
    fix_changes_script: bool

    @property
    def exit_code(self) -> int:
        """The fixed script's verdict: that is the one the user is about to adopt."""
        return self.after.exit_code

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.after.passed,
            "exit_code": self.exit_code,
            "fix_changes_script": self.fix_changes_script,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
        }


class FixUnavailable(Exception):
    """``warmlint fix`` could not be loaded, or could not rewrite the script."""


def compare(script: Path, args: tuple[str, ...], options: VerifyOptions) -> Comparison:
    """Raises FixUnavailable when there is no fixed version to run."""
    before = verify_path(script, args, options, label=str(script))
    if not script.is_file():
        return Comparison(before, before, fix_changes_script=False)
    source = script.read_text(encoding="utf-8")
    fixed = _fixed_source(source, script)
    if fixed == source:
        return Comparison(before, before, fix_changes_script=False)
    with tempfile.TemporaryDirectory(prefix="warmlint-compare-") as folder:
        copy = _mirror_folder(script, Path(folder))
        copy.write_text(fixed, encoding="utf-8")
        after = verify_path(copy, args, options, label=str(script))
    return Comparison(before, after, fix_changes_script=True)


def _fixed_source(source: str, script: Path) -> str:
    try:
        from warmlint.engine.fixer import fix_source  # only --compare needs the fixer
    except ImportError as error:
        raise FixUnavailable(f"warmlint fix could not be loaded: {error}") from error
    try:
        return fix_source(source, str(script))
    except Exception as error:  # whatever the fixer chokes on, the comparison cannot go on
        raise FixUnavailable(f"warmlint fix could not rewrite {script}: {error}") from error


def _mirror_folder(script: Path, folder: Path) -> Path:
    """Copy the script's siblings next to where the fixed copy goes; link folders and big files."""
    for entry in script.parent.iterdir():
        if entry == script or entry.name == "__pycache__":
            continue
        target = folder / entry.name
        if entry.is_dir():
            target.symlink_to(entry.resolve(), target_is_directory=True)
        elif entry.is_file() and entry.stat().st_size <= COPY_LIMIT_BYTES:
            shutil.copy2(entry, target)
        elif entry.is_file():
            target.symlink_to(entry.resolve())
    return folder / script.name
