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
from warmlint.cli.ruff_options import RuffHintCommand
from warmlint.config import ConfigError
from warmlint.diagnostics import Diagnostic, FileResult, Unchecked
from warmlint.files.cache import ResultCaches
from warmlint.files.discover import Discovery, discover
from warmlint.files.runner import add_flagged_lines, check_bytes, check_files, read_source
from warmlint.files.settings import SettingsResolver
from warmlint.output.settings import render_settings
from warmlint.output.statistics import render_statistics
from warmlint.output.text import FORMATS, render


@click.command(cls=RuffHintCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_common_options
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="concise: one line per problem; full: also the flagged source line.",
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
@click.option("--fix", "apply_fixes", is_flag=True, help="Write the fixes, as `warmlint fix --apply` does.")
@click.option(
    "--unsafe-fixes", is_flag=True, help="With --fix or --diff: also the fixes that delete or move code ([*unsafe])."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the diff of every fix, write nothing (`warmlint fix`).")
@click.option("-w", "--watch", is_flag=True, help="Check again whenever a checked file changes, until Ctrl-C.")
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
    apply_fixes,
    unsafe_fixes,
    show_diff,
    watch,
    **common,
):
    """Check training scripts for LR warmup and schedule mistakes (never runs them)."""
    _refuse_conflicts(
        {
            "--fix": apply_fixes,
            "--diff": show_diff,
            "--watch": watch,
            "--add-noqa": add_noqa,
            "--statistics": statistics,
            "--show-settings": show_settings,
            "--show-files": show_files,
        }
    )
    if unsafe_fixes and not (apply_fixes or show_diff):
        raise click.UsageError("--unsafe-fixes goes with --fix or --diff")
    if apply_fixes or show_diff:
        if output_format not in ("text", "full") or output_file is not None:
            raise click.UsageError("--fix and --diff print text to stdout: drop --output-format and --output-file")
        from warmlint.cli.fix import run_fix

        # --diff wins over --fix, as in ruff: show, write nothing.
        run_fix(paths, common, {"unsafe-fixes": True if unsafe_fixes else None}, apply_fixes and not show_diff)
    stdin_filename = common["stdin_filename"]
    from_stdin = list(paths) == [Path("-")] or (not paths and stdin_filename is not None)
    paths = list(paths) or [Path(".")]
    resolver = build_resolver(common)
    if show_settings:
        shown = Path(stdin_filename) if from_stdin and stdin_filename else paths[0]
        for line in render_settings(str(shown), resolve(resolver, shown)):
            click.echo(line)
        sys.exit(EXIT_CLEAN)
    if watch:
        if from_stdin:
            raise click.UsageError("--watch checks files, not stdin")
        from warmlint.cli.watch import watch as watch_files

        caches = None if no_cache else ResultCaches(cache_dir)

        def check_round() -> None:
            # Settings again each round: a config file may have changed too.
            again = build_resolver(common)
            found = _discover(paths, again, common["force_exclude"])
            report = _check_found(found, paths, again, caches, jobs, output_format, quiet)
            _write_report(report.lines, output_file)
            _print_errors(report.errors)

        watch_files(check_round, lambda: _discover(paths, build_resolver(common), common["force_exclude"]).files)
    if from_stdin:
        name = stdin_filename or "<stdin>"
        config = resolve(resolver, Path(stdin_filename) if stdin_filename else Path.cwd()).config
        data = sys.stdin.buffer.read()
        results = [check_bytes(data, name, config)]
        if output_format == "sarif":
            add_flagged_lines(results[0], data)
        sources = _source_lines(results, {name: data}) if output_format == "full" else {}
        report = _report(results, [], output_format, quiet, statistics, sources)
    else:
        found = _discover(paths, resolver, common["force_exclude"])
        if show_files:
            for path in sorted(found.files):
                click.echo(str(path))
            sys.exit(EXIT_ERROR if found.errors else EXIT_CLEAN)
        _warn_about_exclusions(found, quiet)
        caches = None if no_cache else ResultCaches(cache_dir)
        if add_noqa:
            results = _run_checks(found, paths, resolver, caches, jobs, output_format)
            _add_noqa(results, [*found.errors, *_unchecked(results)], resolver)
        report = _check_found(found, paths, resolver, caches, jobs, output_format, quiet, statistics)
    _write_report(report.lines, output_file)
    _print_errors(report.errors)
    if report.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if report.diagnostics and not exit_zero else EXIT_CLEAN)


class _Report:
    """What one check prints, the findings and the paths it could not check."""

    def __init__(self, lines: list[str], diagnostics: list[Diagnostic], errors: list[Unchecked]) -> None:
        self.lines, self.diagnostics, self.errors = lines, diagnostics, errors


def _refuse_conflicts(modes: dict[str, bool]) -> None:
    chosen = [name for name, on in modes.items() if on]
    if len(chosen) > 1 and set(chosen) != {"--fix", "--diff"}:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be combined")


def _run_checks(
    found: Discovery,
    paths: list[Path],
    resolver: SettingsResolver,
    caches: ResultCaches | None,
    jobs: int | None,
    output_format: str,
) -> list[FileResult]:
    explicit = frozenset(p for p in paths if not p.is_dir())
    try:
        return check_files(
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


def _check_found(
    found: Discovery,
    paths: list[Path],
    resolver: SettingsResolver,
    caches: ResultCaches | None,
    jobs: int | None,
    output_format: str,
    quiet: bool,
    statistics: bool = False,
) -> _Report:
    results = _run_checks(found, paths, resolver, caches, jobs, output_format)
    sources = _source_lines(results) if output_format == "full" else {}
    return _report(results, list(found.errors), output_format, quiet, statistics, sources)


def _unchecked(results: list[FileResult]) -> list[Unchecked]:
    return [Unchecked(r.path, r.error) for r in results if r.error]


def _report(
    results: list[FileResult],
    errors: list[Unchecked],
    output_format: str,
    quiet: bool,
    statistics: bool,
    sources: dict[tuple[str, int | None, int], str],
) -> _Report:
    errors = [*errors, *_unchecked(results)]
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    if statistics:
        lines = render_statistics(diagnostics)
    else:
        lines = render(diagnostics, output_format, quiet, unchecked=errors, results=results, sources=sources)
    return _Report(lines, diagnostics, errors)


def _source_lines(
    results: list[FileResult], read: dict[str, bytes] | None = None
) -> dict[tuple[str, int | None, int], str]:
    """The text of every flagged line, for `--output-format full`: from `read` (stdin), else read
    again from the files with findings only (a cached result holds no source)."""
    from warmlint.output.fingerprints import flagged_lines

    sources = {}
    for result in results:
        if not result.diagnostics:
            continue
        data = (read or {}).get(result.path) or read_source(Path(result.path))[0]
        if data is None:
            continue
        for (cell, line), text in flagged_lines(data, result.path, result.diagnostics, fold=False).items():
            sources[(result.path, cell, line)] = text
    return sources


def _add_noqa(results: list[FileResult], errors: list[Unchecked], resolver: SettingsResolver) -> None:
    from warmlint.files.noqa_writer import write_noqa_comments

    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    added, files, problems = write_noqa_comments(diagnostics, resolver.config_for)
    for message in [*map(str, errors), *problems]:
        click.echo(f"warmlint: error: {message}", err=True, color=use_color())
    click.echo(f"Added {added} noqa comment{'s' if added != 1 else ''} to {files} file{'s' if files != 1 else ''}.")
    sys.exit(EXIT_ERROR if errors or problems else EXIT_CLEAN)


def _print_errors(errors: list[Unchecked]) -> None:
    for problem in errors:
        click.echo(f"warmlint: error: {problem}", err=True, color=use_color())


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
