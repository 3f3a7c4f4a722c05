"""The ``warmlint verify`` command line. Imports nothing heavy: torch only ever loads in the child."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from warmlint.plot.png import MATPLOTLIB_MISSING, Verdict, find_phases, matplotlib_available, write_png
from warmlint.plot.terminal import Series
from warmlint.verify.compare import FixUnavailable, compare
from warmlint.verify.core import DEVICES, VerifyOptions, verify_path
from warmlint.verify.progress import progress_printer, showing_progress
from warmlint.verify.render import (
    chart_series,
    plot_compare_verdicts,
    plot_verdict,
    render_compare_text,
    render_text,
)
from warmlint.verify.result import EXIT_NOT_RUN, VerifyResult


@click.command("verify")
@click.argument("script", type=click.Path(dir_okay=False))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Stop the script after this many optimizer steps.",
)
@click.option(
    "--total-steps",
    type=click.IntRange(min=1),
    default=None,
    help="Optimizer steps in the whole run (inferred from the script when not given).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300,
    show_default=True,
    help="Seconds before the script is stopped, importing torch included.",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    help="cpu hides GPUs from the script; cuda requires one.",
)
@click.option(
    "--nproc-per-node",
    type=click.IntRange(min=1),
    default=None,
    help="Launch the script as torchrun would, with this many ranks (torch.distributed.run --standalone).",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Let the script write into the project (by default its writes go to a scratch copy).",
)
@click.option(
    "--keep-outputs",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Copy the files the script wrote (redirected to a scratch copy) into this folder.",
)
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="Show no progress on stderr while the script runs.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the chart as a PNG (needs matplotlib).",
)
@click.option(
    "--compare",
    "compare_fix",
    is_flag=True,
    help="Also run the script as `warmlint fix` would change it, and chart both.",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Compare with the script as `warmlint fix --unsafe-fixes` would change it (implies --compare).",
)
def verify_command(
    script: str,
    script_args: tuple[str, ...],
    steps: int,
    total_steps: int | None,
    timeout: float,
    device: str,
    nproc_per_node: int | None,
    allow_writes: bool,
    keep_outputs: Path | None,
    output_format: str,
    quiet: bool,
    plot_path: str | None,
    compare_fix: bool,
    unsafe_fixes: bool,
) -> None:
    """Run SCRIPT for a few optimizer steps and check that its LR warmup and decay really happen.

    Arguments after -- go to the script: warmlint verify train.py -- --epochs 3

    The script's writes under its project and the current folder go to a scratch copy and are
    listed at the end (--keep-outputs DIR keeps them); the project-untouched check names any
    project file that changed anyway.

    Exit status: 0 when every check passes, 1 when one fails, 2 when the script could not be run.
    """
    if script.endswith(".ipynb"):
        click.echo(
            f"warmlint verify: error: {script} is a notebook; verify runs scripts. "
            f"Export it first: jupyter nbconvert --to script {script}",
            err=True,
        )
        sys.exit(EXIT_NOT_RUN)
    if plot_path and not matplotlib_available():
        click.echo(f"warmlint verify: error: {MATPLOTLIB_MISSING}", err=True)
        sys.exit(EXIT_NOT_RUN)
    if allow_writes and keep_outputs is not None:
        click.echo("warmlint verify: error: --keep-outputs cannot go with --allow-writes", err=True)
        sys.exit(EXIT_NOT_RUN)
    options = VerifyOptions(steps, total_steps, timeout, device, nproc_per_node, allow_writes, keep_outputs)
    show_progress = not quiet and output_format == "text"
    if show_progress and sys.stderr.isatty():
        on_ranks = f" on {nproc_per_node} ranks" if nproc_per_node else ""
        click.echo(f"warmlint verify: running {script}{on_ranks} for up to {steps} optimizer steps...", err=True)
    with showing_progress(progress_printer(sys.stderr) if show_progress else None):
        if compare_fix or unsafe_fixes:
            sys.exit(_compare(script, script_args, options, output_format, plot_path, unsafe_fixes))
        result = verify_path(Path(script), script_args, options, label=script)
    if output_format == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        click.echo(render_text(result))
    _write_plot(plot_path, chart_series(result), result, script, [plot_verdict(result)])
    sys.exit(result.exit_code)


def _compare(
    script: str,
    script_args: tuple[str, ...],
    options: VerifyOptions,
    output_format: str,
    plot_path: str | None,
    unsafe_fixes: bool,
) -> int:
    command = "warmlint fix --unsafe-fixes" if unsafe_fixes else "warmlint fix"
    try:
        comparison = compare(Path(script), script_args, options, unsafe_fixes)
    except FixUnavailable as error:
        click.echo(f"warmlint verify --compare: {error}", err=True)
        return EXIT_NOT_RUN
    if output_format == "json":
        click.echo(json.dumps(comparison.to_json(), indent=2))
    elif comparison.fix_changes_script:
        click.echo(f"the run after has the fixes `{command}` makes: {', '.join(comparison.applied)}\n")
        click.echo(render_compare_text(comparison.before, comparison.after))
    else:
        click.echo(render_text(comparison.before))
        click.echo(f"{command} would not change {script}, so there is nothing to compare")
        if comparison.unsafe_would_change:
            click.echo("(its unsafe fixes would: add --unsafe-fixes to run them)")
    series = chart_series(comparison.before, label="before") + chart_series(comparison.after, label="after")
    verdicts = plot_compare_verdicts(comparison.before, comparison.after)
    _write_plot(plot_path, series, comparison.after, f"{script}: before and after {command}", verdicts)
    return comparison.exit_code


def _write_plot(
    path: str | None, series: list[Series], result: VerifyResult, title: str, verdicts: Sequence[Verdict]
) -> None:
    if not path or not series:
        return
    phases = find_phases(result.run.trajectory()) if result.run else []
    problem = write_png(path, series, phases, title, verdicts)
    click.echo(problem or f"wrote {path}", err=True)
