"""What every command shares: exit codes, colour, one-line errors, the config and its options."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from warmlint.config import ConfigError, validate_codes
from warmlint.files.settings import Layer, Resolved, SettingsResolver
from warmlint.rule_index import all_codes

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


COLOR_CHOICES = ("auto", "always", "never")
_COLOR_KEY = "warmlint.color"


def use_color() -> bool | None:
    """`--color always|never` decides; with `auto` (the default) None lets click decide (colour on
    a terminal only), NO_COLOR turns it off, FORCE_COLOR on (for CI logs that render ANSI), and
    NO_COLOR wins when both are set."""
    context = click.get_current_context(silent=True)
    chosen = context.find_root().meta.get(_COLOR_KEY, "auto") if context else "auto"
    if chosen != "auto":
        return chosen == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


def fail(message: str) -> NoReturn:
    click.echo(f"warmlint: error: {message}", err=True, color=use_color())
    sys.exit(EXIT_ERROR)


def _code_list(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """Codes from a repeatable, comma-separated option; `--select ""` is the empty selection."""
    if not values:
        return None
    codes = [c for value in values for c in value.split(",")]
    try:
        return tuple(validate_codes(codes, option, all_codes()))
    except ConfigError as error:
        fail(str(error))


def _flag_layers(common: dict) -> list[Layer]:
    """The flags that override every config file, one layer each so each value names its flag."""
    layers = []
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        codes = _code_list(common[key.replace("-", "_")], f"--{key}")
        if codes is not None:
            layers.append(Layer(f"--{key}", {key: codes}))
    if common["extend_exclude"]:
        globs = tuple(g for value in common["extend_exclude"] for g in value.split(",") if g)
        layers.append(Layer("--extend-exclude", {"extend-exclude": globs}))
    if common["no_respect_gitignore"]:
        layers.append(Layer("--no-respect-gitignore", {"respect-gitignore": False}))
    if common["ignore_noqa"]:
        layers.append(Layer("--ignore-noqa", {"ignore-noqa": True}))
    return layers


def build_resolver(common: dict, extra: Sequence[Layer] = ()) -> SettingsResolver:
    """Settings for every file from the config files, the common flags and a command's own (`extra`)."""
    try:
        return SettingsResolver(all_codes(), [*_flag_layers(common), *extra], pinned=common["config_path"])
    except ConfigError as error:
        fail(str(error))


def resolve(resolver: SettingsResolver, path: Path) -> Resolved:
    """A path's settings, or the one-line error of a bad config file on its way."""
    try:
        return resolver.for_path(path)
    except ConfigError as error:
        fail(str(error))


def _remember_color(context: click.Context, _parameter: click.Parameter, value: str) -> str:
    context.find_root().meta[_COLOR_KEY] = value
    return value


color_option = click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    expose_value=False,
    is_eager=True,
    callback=_remember_color,
    help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.",
)


def _codes_option(name: str, help_text: str):
    return click.option(f"--{name}", multiple=True, metavar="CODES", help=help_text)


common_options = [
    _codes_option("select", "Only these rule codes, prefixes or names (comma-separated); replaces `select`."),
    _codes_option("extend-select", "Also these rules, on top of `select`."),
    _codes_option("ignore", "Skip these rule codes, prefixes or names (comma-separated); replaces `ignore`."),
    _codes_option("extend-ignore", "Also skip these rules, on top of `ignore`."),
    click.option(
        "--extend-exclude", multiple=True, metavar="GLOBS", help="Also exclude these paths (comma-separated)."
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Use this config file for every path instead of the nearest one above each file.",
    ),
    click.option("--force-exclude", is_flag=True, help="Apply excludes and ignore files to paths named here too."),
    click.option(
        "--no-respect-gitignore", is_flag=True, help="Check files that .gitignore, .ignore or .git/info/exclude ignore."
    ),
    click.option("--ignore-noqa", is_flag=True, help="Report findings even where a suppression comment silences them."),
    click.option(
        "--stdin-filename", metavar="NAME", help="Read the source from stdin and report (and configure) it as NAME."
    ),
    color_option,
]


def with_common_options(function):
    for option in reversed(common_options):
        function = option(function)
    return function
