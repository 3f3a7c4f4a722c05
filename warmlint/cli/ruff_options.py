"""ruff's options that warmlint spells differently: an unknown option that is one of them gets a
hint naming warmlint's way, instead of a bare "No such option" (ruff users type them by habit)."""

from __future__ import annotations

import click

_FIX = "`warmlint check --fix` (or `warmlint fix --apply`)"

# ruff's `check` options warmlint's `check` does not have -> what to use instead.
CHECK_EQUIVALENTS: dict[str, str] = {
    "--fix-only": f"use {_FIX}",
    "--no-fix": "`warmlint check` fixes nothing unless given --fix",
    "--show-fixes": "`warmlint check --diff` (or `warmlint fix`) shows every fix as a diff",
    "--no-show-fixes": "`warmlint check` shows no fixes unless given --diff",
    "--no-unsafe-fixes": "unsafe fixes are made only with --unsafe-fixes (or `unsafe-fixes = true` in the config)",
    "--show-source": "use --output-format full",
    "--no-show-source": "use --output-format concise",
    "--preview": "warmlint has no preview rules: every rule runs unless --select or --ignore leaves it out",
    "--no-preview": "warmlint has no preview rules: every rule runs unless --select or --ignore leaves it out",
    "--exit-non-zero-on-fix": "use `warmlint fix --apply --exit-non-zero-on-fix`",
    "--fixable": "warmlint has no per-rule fix selection: `warmlint fix --select CODES` fixes only those rules",
    "--unfixable": "warmlint has no per-rule fix selection: `warmlint fix --ignore CODES` leaves those rules alone",
    "--extend-fixable": "warmlint has no per-rule fix selection: `warmlint fix --select CODES` fixes only those rules",
    "--per-file-ignores": "set `per-file-ignores` under [tool.warmlint] in pyproject.toml",
    "--extend-per-file-ignores": "set `per-file-ignores` under [tool.warmlint] in pyproject.toml",
    "--exclude": "use --extend-exclude GLOBS (or `exclude` under [tool.warmlint])",
    "--respect-gitignore": "ignore files are respected by default; --no-respect-gitignore turns that off",
    "--no-force-exclude": "that is the default: named paths are checked unless --force-exclude is given",
    "--isolated": "warmlint has no isolated mode; --config FILE uses one config file for every path",
    "-n": "use --no-cache",
    "-e": "use --exit-zero",
    "-s": "warmlint has no silent mode; -q/--quiet prints only the diagnostics",
    "--silent": "warmlint has no silent mode; -q/--quiet prints only the diagnostics",
    "-v": "warmlint has no verbose mode; --show-files and --show-settings say what is checked and how",
    "--verbose": "warmlint has no verbose mode; --show-files and --show-settings say what is checked and how",
}

# On `warmlint fix`, whose defaults differ from `ruff check`'s: it shows diffs and writes with --apply.
FIX_EQUIVALENTS: dict[str, str] = {
    "--no-unsafe-fixes": CHECK_EQUIVALENTS["--no-unsafe-fixes"],
    "--fix": "use `warmlint fix --apply`",
    "--fix-only": "use `warmlint fix --apply`",
    "--diff": "`warmlint fix` shows the diff by default; --apply writes it",
    "--show-fixes": "`warmlint fix` shows every fix as a diff by default",
    "--preview": CHECK_EQUIVALENTS["--preview"],
    "--exclude": CHECK_EQUIVALENTS["--exclude"],
    "--per-file-ignores": CHECK_EQUIVALENTS["--per-file-ignores"],
    "--fixable": CHECK_EQUIVALENTS["--fixable"],
    "--unfixable": CHECK_EQUIVALENTS["--unfixable"],
}


class RuffHintCommand(click.Command):
    """A command whose unknown option, when it is ruff's, is answered with warmlint's equivalent."""

    equivalents: dict[str, str] = CHECK_EQUIVALENTS

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            hint = self.equivalents.get(error.option_name)
            if hint is None:
                raise
            message = f"No such option '{error.option_name}' (that is ruff's; in warmlint: {hint})"
            raise click.NoSuchOption(error.option_name, message=message, ctx=ctx) from None


class RuffHintFixCommand(RuffHintCommand):
    equivalents = FIX_EQUIVALENTS
