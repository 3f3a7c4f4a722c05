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
class FixedScript:
    """The script as `warmlint fix` would write it, and the rule codes of the fixes it made."""

    source: str
    applied: tuple[str, ...]  # sorted, each code once
    unsafe_would_change: bool = False  # safe fixes alone change nothing, the unsafe ones would


@dataclass(frozen=True)
class Comparison:
    before: VerifyResult
    after: VerifyResult
    fix_changes_script: bool
    applied: tuple[str, ...] = ()  # rule codes of the fixes the fixed run has
    unsafe_fixes: bool = False  # the fixed run has the unsafe fixes too
    unsafe_would_change: bool = False

    @property
    def exit_code(self) -> int:
        """The fixed script's verdict: that is the one the user is about to adopt."""
        return self.after.exit_code

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.after.passed,
            "exit_code": self.exit_code,
            "fix_changes_script": self.fix_changes_script,
            "unsafe_fixes": self.unsafe_fixes,
            "fixes_applied": list(self.applied),
            "before": self.before.to_json(),
            "after": self.after.to_json(),
        }


class FixUnavailable(Exception):
    """``warmlint fix`` could not be loaded, or could not rewrite the script."""


def compare(script: Path, args: tuple[str, ...], options: VerifyOptions, unsafe_fixes: bool = False) -> Comparison:
    """Raises FixUnavailable when there is no fixed version to run. With `unsafe_fixes`, the fixed
    version has the fixes that move or delete code too (`warmlint fix --unsafe-fixes`)."""
    before = verify_path(script, args, options, label=str(script))
    if not script.is_file():
        return Comparison(before, before, fix_changes_script=False, unsafe_fixes=unsafe_fixes)
    source = script.read_text(encoding="utf-8")
    fixed = fixed_script(source, script, unsafe_fixes)
    if fixed.source == source:
        unsafe_left = fixed.unsafe_would_change
        return Comparison(before, before, False, unsafe_fixes=unsafe_fixes, unsafe_would_change=unsafe_left)
    with tempfile.TemporaryDirectory(prefix="warmlint-compare-") as folder:
        copy = _mirror_folder(script, Path(folder))
        copy.write_text(fixed.source, encoding="utf-8")
        after = verify_path(copy, args, options, label=str(script))
    return Comparison(before, after, True, fixed.applied, unsafe_fixes)


def fixed_script(source: str, script: Path, unsafe_fixes: bool) -> FixedScript:
    """What `warmlint fix` (with the script's own settings) would write: the nearest config file's
    fix options apply, as they do for `warmlint fix`."""
    try:  # only --compare needs the fixer
        from warmlint.config import ConfigError
        from warmlint.engine.fixer import fix_bytes
        from warmlint.files.settings import Layer, SettingsResolver
        from warmlint.rule_index import all_codes
    except ImportError as error:
        raise FixUnavailable(f"warmlint fix could not be loaded: {error}") from error
    try:
        flags = [Layer("--unsafe-fixes", {"fix.unsafe-fixes": True})] if unsafe_fixes else []
        config = SettingsResolver(all_codes(), flags).config_for(script)
        outcome = fix_bytes(source.encode("utf-8"), str(script), config)
    except ConfigError as error:
        raise FixUnavailable(str(error)) from error
    except Exception as error:  # whatever the fixer chokes on, the comparison cannot go on
        raise FixUnavailable(f"warmlint fix could not rewrite {script}: {error}") from error
    if outcome.error:
        raise FixUnavailable(f"warmlint fix could not rewrite {script}: {outcome.error}")
    applied = tuple(sorted({d.code for d in outcome.applied}))
    return FixedScript(outcome.fixed.decode("utf-8"), applied, bool(outcome.unsafe_left) and not outcome.changed)


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
