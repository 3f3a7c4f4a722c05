"""The command line: the click group (`group`), what the commands share (`common`) and one
module per command (`check`, `fix`, `schedule`, `verify`, `rule`). Commands parse options,
call the packages that do the work and turn the outcome into output and an exit code."""

from warmlint.cli.group import main

__all__ = ["main"]
