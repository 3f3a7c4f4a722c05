"""The command line: parse options, call the engine, print, pick the exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from warmlint import __version__
from warmlint.cache import CACHE_DIR, ResultCache
from warmlint.config import Config, ConfigError, load_config, validate_codes
from warmlint.discover import discover
from warmlint.docs import rule_doc
from warmlint.report import FORMATS, render
from warmlint.rule_index import RULE_INFO, all_codes
from warmlint.runner import check_bytes, check_files

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def use_color() -> bool | None:
    """None lets click decide (colour on a terminal only); NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


def fail(message: str) -> None:
    click.echo(f"warmlint: error: {message}", err=True, color=use_color())
    sys.exit(EXIT_ERROR)


def _code_list(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if not values:
        return None
    codes = [c for value in values for c in value.split(",")]
    try:
        return tuple(validate_codes(codes, option, all_codes()))
    except ConfigError as error:
        fail(str(error))


def build_config(paths: list[Path], select, ignore, config_path: Path | None) -> Config:
    start = paths[0] if paths else Path.cwd()
    try:
        config = load_config(start if start.exists() else Path.cwd(), all_codes(), explicit=config_path)
    except ConfigError as error:
        fail(str(error))
    return config.with_overrides(select=_code_list(select, "--select"), ignore=_code_list(ignore, "--ignore"))


common_options = [
    click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (comma-separated)."),
    click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes (comma-separated)."),
    click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Read [tool.warmlint] from this file instead of the nearest pyproject.toml."),
    click.option("--force-exclude", is_flag=True, help="Apply config excludes to files named on the command line."),
    click.option("--stdin-filename", metavar="NAME", help="Name to report for source read from stdin (`-`)."),
]


def with_common_options(function):
    for option in reversed(common_options):
        function = option(function)
    return function


class LazyGroup(click.Group):
    """A group whose other commands are imported only when asked for: `warmlint check`, run
    on every commit, does not pay for loading `fix`, `schedule` and `verify`."""

    LAZY = ("fix", "schedule", "verify")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            _load_subcommand(self, name)
        return super().get_command(ctx, name)


def _load_subcommand(group: click.Group, name: str) -> None:
    this = sys.modules[__name__]
    if name == "fix":
        from warmlint import cli_fix

        cli_fix.register(group, this)
    elif name == "schedule":
        from warmlint import cli_schedule

        cli_schedule.register(group, this)
    else:
        from warmlint.verify.command import verify_command  # imports no torch: the child process does

        group.add_command(verify_command)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="warmlint")
def main() -> None:
    """Find and fix learning-rate warmup and schedule mistakes in PyTorch training scripts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_common_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the diagnostics.")
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing .warmlint_cache/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
def check(paths, select, ignore, config_path, force_exclude, stdin_filename, output_format, exit_zero, quiet,
          no_cache, jobs):
    """Check training scripts for LR warmup and schedule mistakes (never runs them)."""
    paths = list(paths) or [Path(".")]
    from_stdin = paths == [Path("-")]
    config = build_config([Path(stdin_filename)] if from_stdin and stdin_filename else paths,
                          select, ignore, config_path)
    errors: list[str] = []
    if from_stdin:
        results = [check_bytes(sys.stdin.buffer.read(), stdin_filename or "<stdin>", config)]
    else:
        found = discover(paths, config, force_exclude)
        errors.extend(found.errors)
        if not found.files and not found.errors and not quiet:
            click.echo("warmlint: warning: no Python files found under the given paths", err=True)
        cache = None if no_cache else ResultCache((config.root or Path.cwd()) / CACHE_DIR, config)
        explicit = frozenset(p for p in paths if not p.is_dir())
        results = check_files(found.files, config, explicit=explicit, cache=cache, jobs=jobs)
    errors.extend(f"{r.path}: {r.error}" for r in results if r.error)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    for line in render(diagnostics, output_format, quiet, errors=len(errors)):
        click.echo(line, color=use_color())
    for error in errors:
        click.echo(f"warmlint: error: {error}", err=True, color=use_color())
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if diagnostics and not exit_zero else EXIT_CLEAN)


@main.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its one-line summary.")
def rule_command(code: str | None, show_all: bool) -> None:
    """Print the documentation of a rule, or list all rules."""
    if show_all or code is None:
        for rule in RULE_INFO.values():
            fix = "fix" if rule.fixable else "   "
            click.echo(f"{rule.code}  {fix}  {rule.name:<40} {rule.summary}")
        return
    code = code.upper()
    if code not in RULE_INFO:
        fail(f"unknown rule {code!r}; valid codes: {', '.join(all_codes())}")
    text = rule_doc(code)
    rule = RULE_INFO[code]
    click.echo(text if text else f"{rule.code} {rule.name}\n\n{rule.summary}")
