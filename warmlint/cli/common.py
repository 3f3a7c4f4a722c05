"""What every command shares: exit codes, colour, one-line errors, the config and its options."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from warmlint.config import Config, ConfigError, load_config, validate_codes
from warmlint.rule_index import all_codes

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def use_color() -> bool | None:
    """None lets click decide (colour on a terminal only); NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


def fail(message: str) -> NoReturn:
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
    click.option(
        "--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (comma-separated)."
    ),
    click.option(
        "--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes (comma-separated)."
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Read [tool.warmlint] from this file instead of the nearest pyproject.toml.",
    ),
    click.option("--force-exclude", is_flag=True, help="Apply config excludes to files named on the command line."),
    click.option("--stdin-filename", metavar="NAME", help="Name to report for source read from stdin (`-`)."),
]


def with_common_options(function):
    for option in reversed(common_options):
        function = option(function)
    return function
