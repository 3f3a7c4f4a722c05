"""`warmlint fix`: show the diff of every available fix, or write them with --apply."""

from __future__ import annotations

import difflib
import re
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from warmlint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    build_resolver,
    fail,
    resolve,
    use_color,
    with_common_options,
)
from warmlint.cli.ruff_options import RuffHintFixCommand
from warmlint.config import DECAYS, ConfigError, fix_value
from warmlint.diagnostics import FixSafety
from warmlint.files.discover import discover
from warmlint.files.runner import check_files, read_source
from warmlint.files.safe_write import (
    FileChangedError,
    StopRequest,
    deferred_stop_signals,
    remove_stale_temporaries,
    write_atomic,
)
from warmlint.files.settings import Layer
from warmlint.notebook import changed_cells, is_notebook

if TYPE_CHECKING:
    from warmlint.engine.fixer import FixOutcome


def _texts(outcome: FixOutcome) -> list[tuple[str, str, str]]:
    """(name, before, after) of each part the fix changes: the file, or each edited notebook cell."""
    if is_notebook(outcome.path):
        # A cell's last line has no newline; one is added to both sides so the diff shows only the edit.
        changes = changed_cells(outcome.original, outcome.fixed)
        return [(f"{outcome.path}:cell {c.cell}", _ended(c.before), _ended(c.after)) for c in changes]
    try:
        return [(outcome.path, outcome.original.decode("utf-8"), outcome.fixed.decode("utf-8"))]
    except UnicodeDecodeError:
        return [(outcome.path, outcome.original.decode("latin-1"), outcome.fixed.decode("latin-1"))]


def _ended(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


# A line and its ending, as `diff` and git split a file: only \n, \r\n and \r end a line.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
NO_NEWLINE = "\\ No newline at end of file"


def _diff(outcome: FixOutcome) -> list[str]:
    hunks: list[str] = []
    for name, before, after in _texts(outcome):
        old, new = _LINE.findall(before), _LINE.findall(after)
        hunks += difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
    lines = []
    for line in hunks:
        ended = line.endswith(("\n", "\r"))
        line = line.rstrip("\r\n")
        if not ended:  # the file's last line, without a newline: say so after it, as `diff -u` does
            lines += [_styled(line), NO_NEWLINE]
        else:
            lines.append(_styled(line))
    return lines


def _styled(line: str) -> str:
    if line.startswith(("+++", "---")):
        return click.style(line, bold=True)
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    return line


def _option(value, key: str):
    if value is None:
        return None
    try:
        return fix_value(key, value, f"--{key}")
    except ConfigError as error:
        raise click.BadParameter(str(error)) from None


def _warmup_steps(value: str | None):
    if value is None or value == "auto":
        return value
    if not value.isdigit():
        raise click.BadParameter("--warmup-steps must be a positive integer or 'auto'")
    return _option(int(value), "warmup-steps")


def _has_fix_to_make(result, config) -> bool:
    """A finding whose fix this run makes (the safe ones, and the unsafe ones when asked for)."""
    unsafe = config.fix_option("unsafe-fixes")
    return any(d.fixable and (unsafe or d.fix_safety is FixSafety.SAFE) for d in result.diagnostics)


def _fix_file(path: Path, config, apply_fixes: bool, errors: list[str]) -> FixOutcome | None:
    """Fix one file (and write it with --apply); a problem is added to `errors` and gives None."""
    from warmlint.engine.fixer import fix_bytes

    data, problem = read_source(path)
    if data is None:
        errors.append(f"{path}: {problem}")
        return None
    outcome = fix_bytes(data, str(path), config)
    if outcome.error:
        errors.append(f"{path}: {outcome.error}")
        return None
    if outcome.changed and apply_fixes:
        remove_stale_temporaries(path)
        try:
            write_atomic(path, outcome.fixed, expected=data)
        except FileChangedError as error:
            errors.append(str(error))
            outcome.applied.clear()
        except OSError as error:
            errors.append(f"{path}: cannot write: {error.strerror or error}")
            outcome.applied.clear()
    return outcome


@click.command("fix", cls=RuffHintFixCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_common_options
@click.option("--apply", "apply_fixes", is_flag=True, help="Write the fixes (default: only show the diff).")
@click.option("--warmup-steps", metavar="N|auto", help="Warmup length W in optimizer steps.")
@click.option("--decay", type=click.Choice(DECAYS), help="Decay after the warmup.")
@click.option("--min-lr-ratio", type=float, help="LR at the end of training, as a fraction of the peak.")
@click.option("--total-steps", type=int, help="Training length T, when it cannot be read from the script.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also make the fixes that delete or move your code (marked [*unsafe] by `check`).",
)
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="With --apply, exit 1 when a fix was written, even if nothing is left to report.",
)
def fix(
    paths, apply_fixes, warmup_steps, decay, min_lr_ratio, total_steps, unsafe_fixes, exit_non_zero_on_fix, **common
):
    """Show (or, with --apply, write) fixes that insert a real warmup-then-decay schedule."""
    fix_flags = {
        "warmup-steps": _warmup_steps(warmup_steps),
        "decay": _option(decay, "decay"),
        "min-lr-ratio": _option(min_lr_ratio, "min-lr-ratio"),
        "total-steps": _option(total_steps, "total-steps"),
        "unsafe-fixes": True if unsafe_fixes else None,  # the flag adds to the config, never removes
    }
    run_fix(paths, common, fix_flags, apply_fixes, exit_non_zero_on_fix)


def run_fix(
    paths: tuple[Path, ...] | list[Path],
    common: dict,
    fix_flags: dict[str, object],
    apply_fixes: bool,
    exit_non_zero_on_fix: bool = False,
) -> NoReturn:
    """`warmlint fix` (and `check --fix`, `check --diff`): `fix_flags` are the fix options given, None where not."""
    from warmlint.engine.fixer import MAX_ROUNDS, FixOutcome, fix_bytes  # the parser loads only when needed

    stdin_filename = common["stdin_filename"]
    from_stdin = list(paths) == [Path("-")] or (not paths and stdin_filename is not None)
    targets = list(paths) or [Path(".")]
    resolver = build_resolver(
        common, [Layer(f"--{key}", {f"fix.{key}": value}) for key, value in fix_flags.items() if value is not None]
    )
    color = use_color()
    if from_stdin:
        config = resolve(resolver, Path(stdin_filename) if stdin_filename else Path.cwd()).config
        outcome = fix_bytes(sys.stdin.buffer.read(), stdin_filename or "<stdin>", config)
        sys.stdout.buffer.write(outcome.fixed)
        sys.exit(EXIT_ERROR if outcome.error else EXIT_CLEAN)
    try:
        found = discover(targets, resolver, common["force_exclude"])
    except ConfigError as error:
        fail(str(error))
    errors = [str(error) for error in found.errors]
    # The check first, as `warmlint check` runs it (prefilter, worker pool): only the files it
    # finds something to fix in are parsed again to be fixed, so a clean tree costs a check.
    explicit = frozenset(p for p in targets if not p.is_dir())
    checked = check_files(found.files, resolver.config_for, explicit=explicit)
    outcomes = []
    with deferred_stop_signals() if apply_fixes else nullcontext(StopRequest()) as stop:
        for done, result in enumerate(checked):
            if stop.signal:
                errors.append(
                    f"interrupted by {stop.name} after {done} of {len(checked)} files; "
                    f"each file is either unchanged or completely fixed"
                )
                break
            if result.error:
                errors.append(f"{result.path}: {result.error}")
                continue
            config = resolver.config_for(Path(result.path))
            if not _has_fix_to_make(result, config):
                outcomes.append(FixOutcome(result.path, b"", b"", remaining=result.diagnostics))
                continue
            fixed_file = _fix_file(Path(result.path), config, apply_fixes, errors)
            if fixed_file is None:
                continue
            outcome = fixed_file
            outcomes.append(outcome)
            if outcome.out_of_rounds:
                left = sum(d.fixable for d in outcome.remaining)
                errors.append(f"{result.path}: stopped after {MAX_ROUNDS} rounds of fixes; {left} fixable left")
            if outcome.changed and not apply_fixes:
                for line in _diff(outcome):
                    click.echo(line, color=color)
    fixed = sum(len(o.applied) for o in outcomes)
    files = sum(1 for o in outcomes if o.applied)
    unfixable = [d for o in outcomes for d in o.remaining if not d.fixable]
    unsafe_left = sum(len(o.unsafe_left) for o in outcomes)
    verb = "Fixed" if apply_fixes else "Would fix"
    message = f"{verb} {fixed} problem{'s' if fixed != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if unsafe_left:
        message += f"; {unsafe_left} unsafe fix{'es' if unsafe_left != 1 else ''} not applied (add --unsafe-fixes)"
    if unfixable:
        message += f"; {len(unfixable)} problem{'s have' if len(unfixable) != 1 else ' has'} no automatic fix"
    click.echo(message + ".", err=not apply_fixes, color=color)
    for diagnostic in unfixable:
        reason = diagnostic.no_fix_reason or "no automatic fix for this rule"
        click.echo(
            f"  {diagnostic.location}: {diagnostic.code} no automatic fix: {reason}",
            err=not apply_fixes,
            color=color,
        )
    for message in errors:
        click.echo(f"warmlint: error: {message}", err=True, color=color)
    if stop.signal:
        sys.exit(stop.exit_code)
    if errors:
        sys.exit(EXIT_ERROR)
    # The same rule with and without --apply: 1 while a problem is left in the files (one this run
    # did not fix: without --apply, every one), 0 when none is.
    left = bool(unfixable or unsafe_left or (fixed and not apply_fixes))
    sys.exit(EXIT_FOUND if left or (apply_fixes and exit_non_zero_on_fix and fixed) else EXIT_CLEAN)
