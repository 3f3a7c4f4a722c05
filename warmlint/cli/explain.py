"""`warmlint explain PATH`: the schedule warmlint computes for each optimizer, and every rule's verdict."""

from __future__ import annotations

from pathlib import Path

import click

from warmlint.cli.common import fail
from warmlint.cli.schedule import OneLineErrors
from warmlint.config import ConfigError
from warmlint.configs import is_config_path
from warmlint.files.settings import SettingsResolver
from warmlint.plot.png import MATPLOTLIB_MISSING, matplotlib_available
from warmlint.rule_index import all_codes


@click.command("explain", cls=OneLineErrors)
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools (its shape: docs/explain.md).",
)
@click.option(
    "--plot", "plot_path", type=click.Path(dir_okay=False), help="Also draw the LR curves as a PNG (needs matplotlib)."
)
def explain_command(path: Path, output_format: str, plot_path: str | None) -> None:
    """Show the LR schedule of each optimizer in a script or notebook, and what every rule found or why not."""
    from warmlint.explain.build import ExplainError, explain_path
    from warmlint.explain.data import render_json
    from warmlint.explain.text import render_text

    if path.is_dir():
        fail(f"{path}: is a folder: explain takes one .py file or notebook")
    if is_config_path(str(path)):
        fail(f"{path}: explain reads Python files and notebooks; `warmlint check` reads training configs")
    if plot_path and not matplotlib_available():
        fail(MATPLOTLIB_MISSING)
    try:
        config = SettingsResolver(all_codes()).config_for(path)
    except ConfigError as error:
        fail(str(error))
    try:
        report = explain_path(path, config)
    except ExplainError as error:
        fail(str(error))
    click.echo(render_json(report) if output_format == "json" else render_text(report))
    if plot_path:
        from warmlint.explain.plot import plot_report

        problem = plot_report(report, plot_path)
        if problem:
            fail(problem)
        click.echo(f"wrote {plot_path}", err=True)
