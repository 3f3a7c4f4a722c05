"""The `warmlint` click group: `check` and `rule` always, the heavier commands when asked for."""

from __future__ import annotations

import importlib

import click

from warmlint import __version__
from warmlint.cli.check import check
from warmlint.cli.rule import rule_command


class LazyGroup(click.Group):
    """A group whose other commands are imported only when asked for: `warmlint check`, run
    on every commit, does not pay for loading `fix`, `schedule` and `verify`."""

    # command name -> (module, attribute); `verify` imports no torch: only its child process does.
    LAZY = {
        "explain": ("warmlint.cli.explain", "explain_command"),
        "fix": ("warmlint.cli.fix", "fix"),
        "schedule": ("warmlint.cli.schedule", "schedule"),
        "server": ("warmlint.cli.server", "server_command"),
        "verify": ("warmlint.cli.verify", "verify_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            module, attribute = self.LAZY[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="warmlint")
def main() -> None:
    """Find and fix learning-rate warmup and schedule mistakes in PyTorch training scripts."""


main.add_command(check)
main.add_command(rule_command)
