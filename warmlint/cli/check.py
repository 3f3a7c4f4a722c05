"""`warmlint check`: find the files, lint them (cache and worker pool), print one report, pick the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from warmlint.cli.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, build_config, use_color, with_common_options
from warmlint.files.cache import CACHE_DIR, ResultCache
from warmlint.files.discover import discover
from warmlint.files.runner import check_bytes, check_files
from warmlint.output.text import FORMATS, render


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_common_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the diagnostics.")
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing .warmlint_cache/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
def check(
    paths, select, ignore, config_path, force_exclude, stdin_filename, output_format, exit_zero, quiet, no_cache, jobs
):
    """Check training scripts for LR warmup and schedule mistakes (never runs them)."""
    paths = list(paths) or [Path(".")]
    from_stdin = paths == [Path("-")]
    config = build_config(
        [Path(stdin_filename)] if from_stdin and stdin_filename else paths, select, ignore, config_path
    )
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
        results = check_files(
            found.files, config, explicit=explicit, cache=cache, jobs=jobs, with_fixes=output_format == "sarif"
        )
    errors.extend(f"{r.path}: {r.error}" for r in results if r.error)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    fixes = {r.path: r.fix for r in results if r.fix is not None}
    for line in render(diagnostics, output_format, quiet, errors=len(errors), fixes=fixes):
        click.echo(line, color=use_color())
    for error in errors:
        click.echo(f"warmlint: error: {error}", err=True, color=use_color())
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if diagnostics and not exit_zero else EXIT_CLEAN)
