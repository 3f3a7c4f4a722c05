"""`warmlint server`: the language server for editors, on stdin and stdout."""

from __future__ import annotations

import sys

import click

from warmlint.cli.common import fail


@click.command("server")
def server_command() -> None:
    """Run the Language Server Protocol server on stdio (for editors; needs the `lsp` extra)."""
    try:
        from warmlint.lsp.server import build_server
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        fail("`warmlint server` needs pygls: pip install 'warmlint[lsp]'")
    server = build_server()
    server.start_io()
    sys.exit(server.exit_status())
