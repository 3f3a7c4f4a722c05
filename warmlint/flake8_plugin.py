"""A flake8 plugin (`flake8 --select WL`), for projects whose editors and CI already run flake8.

It runs warmlint's engine on the file's text with the settings of the nearest config file above it
(as `warmlint check` does); flake8's own --select, --extend-ignore and `# noqa` then apply as usual.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from warmlint import __version__
from warmlint.engine.lint import check_source
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes


class Warmlint:
    name = "warmlint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        # flake8 hands `tree` to plugins that ask for it, and a plugin must ask for it (or for a
        # logical or physical line) to be run once per file; warmlint parses the text with libcst.
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        path = Path(self.filename)
        config = SettingsResolver(all_codes()).config_for(path)
        for d in check_source("".join(self.lines), self.filename, config).diagnostics:
            yield d.line, d.column - 1, f"{d.code} {d.message}", type(self)
