"""One open document checked with the settings of the folder it lives in, as `warmlint check` would check it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from pygls.uris import to_fs_path

from warmlint.config import Config, ConfigError
from warmlint.diagnostics import Diagnostic, FileResult
from warmlint.engine.lint import check_source
from warmlint.files.settings import SettingsResolver
from warmlint.lsp.convert import lines_of
from warmlint.rule_index import all_codes


@dataclass(frozen=True)
class Linted:
    """The findings for one text of a document; `config` is None when its config file is broken."""

    uri: str
    source: str
    path: str
    config: Config | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    config_error: str | None = None
    # The whole result (its model and module), for the hover on an optimizer or scheduler.
    result: FileResult | None = field(default=None, compare=False, repr=False)

    @property
    def lines(self) -> list[str]:
        return lines_of(self.source)


def document_path(uri: str) -> str:
    """The file a document is; one that is not on disk (an unsaved buffer) is placed in the working directory."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return path if path is not None else str(Path.cwd() / PurePosixPath(urlparse(uri).path).name)


def lint(uri: str, source: str) -> Linted:
    # A fresh resolver each time: an edit to a config file applies without restarting the server.
    path = document_path(uri)
    try:
        config = SettingsResolver(all_codes()).config_for(Path(path))
    except ConfigError as error:
        return Linted(uri, source, path, None, config_error=str(error))
    result = check_source(source, path, config)
    return Linted(uri, source, path, config, result.diagnostics, result=result)
