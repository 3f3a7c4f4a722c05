"""`warmlint check`: find the files, lint them (cache and worker pool), print one report, pick the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

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
from warmlint.config import ConfigError
from warmlint.diagnostics import Unchecked
from warmlint.files.cache import ResultCaches
from warmlint.files.discover import Discovery, discover
from warmlint.files.runner import add_flagged_lines, check_bytes, check_files
from warmlint.files.settings import SettingsResolver
from warmlint.output.settings import render_settings
from warmlint.output.statistics import render_statistics
from warmlint.output.text import FORMATS, render


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_common_options
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here, not to stdout."
)
@click.option("--statistics", is_flag=True, help="Print how many problems each rule found instead of each problem.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the diagnostics.")
@click.option("--no-cache", is_flag=True, help="Check every file again instead of reusing the results cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="WARMLINT_CACHE_DIR",
    help="Where to keep the results cache (default: .warmlint_cache/ in the project root). Env: WARMLINT_CACHE_DIR.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--show-settings", is_flag=True, help="Print the settings the (first) path is checked with, and exit.")
@click.option("--show-files", is_flag=True, help="List the files that would be checked, and exit.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Write `# noqa: WLxxx` on the line of every current finding (to adopt warmlint in an existing codebase).",
)
def check(
    paths,
    output_format,
    output_file,
    statistics,
    exit_zero,
    quiet,
    no_cache,
    cache_dir,
    jobs,
    show_settings,
    show_files,
    add_noqa,
    **common,
):
    """Check training scripts for LR warmup and schedule mistakes (never runs them)."""
    stdin_filename = common["stdin_filename"]
    from_stdin = list(paths) == [Path("-")] or (not paths and stdin_filename is not None)
    paths = list(paths) or [Path(".")]
    resolver = build_resolver(common)
    if show_settings:
        shown = Path(stdin_filename) if from_stdin and stdin_filename else paths[0]
        for line in render_settings(str(shown), resolve(resolver, shown)):
            click.echo(line)
        sys.exit(EXIT_CLEAN)
    errors: list[Unchecked] = []
    if from_stdin:
        name = stdin_filename or "<stdin>"
        config = resolve(resolver, Path(stdin_filename) if stdin_filename else Path.cwd()).config
        data = sys.stdin.buffer.read()
        results = [check_bytes(data, name, config)]
        if output_format == "sarif":
            add_flagged_lines(results[0], data)
    else:
        found = _discover(paths, resolver, common["force_exclude"])
        if show_files:
            for path in sorted(found.files):
                click.echo(str(path))
            sys.exit(EXIT_ERROR if found.errors else EXIT_CLEAN)
        errors.extend(found.errors)
        _warn_about_exclusions(found, quiet)
        caches = None if no_cache else ResultCaches(cache_dir)
        explicit = frozenset(p for p in paths if not p.is_dir())
        try:
            results = check_files(
                found.files,
                resolver.config_for,
                explicit=explicit,
                caches=caches,
                jobs=jobs,
                with_fixes=output_format == "sarif",
                with_lines=output_format == "sarif",
            )
        except ConfigError as error:
            fail(str(error))
    errors.extend(Unchecked(r.path, r.error) for r in results if r.error)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    if add_noqa and not from_stdin:
        from warmlint.files.noqa_writer import write_noqa_comments

        added, files, problems = write_noqa_comments(diagnostics, resolver.config_for)
        for message in [*map(str, errors), *problems]:
            click.echo(f"warmlint: error: {message}", err=True, color=use_color())
        click.echo(f"Added {added} noqa comment{'s' if added != 1 else ''} to {files} file{'s' if files != 1 else ''}.")
        sys.exit(EXIT_ERROR if errors or problems else EXIT_CLEAN)
    if statistics:
        lines = render_statistics(diagnostics)
    else:
        lines = render(diagnostics, output_format, quiet, unchecked=errors, results=results)
    _write_report(lines, output_file)
    for problem in errors:
        click.echo(f"warmlint: error: {problem}", err=True, color=use_color())
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if diagnostics and not exit_zero else EXIT_CLEAN)


def _write_report(lines: list[str], output_file: Path | None) -> None:
    """The report to stdout, or (without colour) to `--output-file`."""
    if output_file is None:
        for line in lines:
            click.echo(line, color=use_color())
        return
    try:
        output_file.write_text("".join(click.unstyle(line) + "\n" for line in lines), encoding="utf-8")
    except OSError as error:
        fail(f"{output_file}: cannot write: {error.strerror or error}")


def _discover(paths: list[Path], resolver: SettingsResolver, force_exclude: bool) -> Discovery:
    try:
        return discover(paths, resolver, force_exclude)
    except ConfigError as error:
        fail(str(error))


def _warn_about_exclusions(found: Discovery, quiet: bool) -> None:
    """Say why a named path was not checked, rather than only that nothing was found."""
    for excluded in found.excluded:
        click.echo(f"warmlint: warning: {excluded.path} is not checked: {excluded.reason}", err=True)
    if not found.files and not found.errors and not found.excluded and not quiet:
        left_out = f" ({found.skipped} left out by excludes or ignore files)" if found.skipped else ""
        click.echo(f"warmlint: warning: no Python files found under the given paths{left_out}", err=True)
