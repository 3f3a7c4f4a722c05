"""The pygls wiring: which LSP messages the server answers, and with what."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from warmlint import __version__
from warmlint.lsp.actions import fix_action, noqa_action
from warmlint.lsp.convert import config_problem, server_range, to_lsp
from warmlint.lsp.hover import hover_markdown
from warmlint.lsp.linting import Linted, lint
from warmlint.lsp.scheduler import LintScheduler

ACTION_KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
# How often the server looks whether the editor that started it is still there.
CLIENT_POLL_SECONDS = 2.0


class WarmlintServer(LanguageServer):
    """A language server that keeps the findings of the last text it checked of each open document."""

    def __init__(self) -> None:
        super().__init__("warmlint", __version__)
        self.linted: dict[str, Linted] = {}
        self.scheduler = LintScheduler(self._text, lint, self._publish)
        self.shutdown_requested = False

    def exit_status(self) -> int:
        """As LSP asks: 0 after `shutdown`, 1 when the editor left without it (pygls loses this)."""
        return 0 if self.shutdown_requested else 1

    def _text(self, uri: str) -> tuple[int | None, str]:
        document = self.workspace.get_text_document(uri)
        return document.version, document.source

    def current(self, uri: str) -> Linted:
        """The findings for the document's text now, checked again only if it changed since."""
        source = self.workspace.get_text_document(uri).source
        linted = self.linted.get(uri)
        if linted is None or linted.source != source:
            linted = self.linted[uri] = lint(uri, source)
        return linted

    def _publish(self, uri: str, version: int | None, linted: Linted) -> None:
        self.linted[uri] = linted
        codec = self.workspace.position_codec
        if linted.config_error is not None:
            diagnostics = [config_problem(linted.config_error)]
        else:
            diagnostics = [to_lsp(d, linted.lines, codec) for d in linted.diagnostics]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def forget(self, uri: str) -> None:
        self.scheduler.closed(uri)
        self.linted.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def asked_for(kind: str, only: Sequence[str] | None) -> bool:
    """LSP kinds are hierarchical: asking for `source` includes `source.fixAll`."""
    return only is None or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def build_server() -> WarmlintServer:
    server = WarmlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        if params.process_id:
            asyncio.get_running_loop().create_task(_watch_client(params.process_id))

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.shutdown_requested = True
        server.scheduler.stop()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.scheduler.edited(params.text_document.uri, settle=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.scheduler.edited(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # A saved config file next to it may have changed the result.
        server.linted.pop(params.text_document.uri, None)
        server.scheduler.edited(params.text_document.uri, settle=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=ACTION_KINDS))
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        linted = server.current(params.text_document.uri)
        codec = server.workspace.position_codec
        selected = codec.range_from_client_units(linted.lines, params.range)
        here = [d for d in linted.diagnostics if server_range(d.span, linted.lines).overlaps(selected)]
        only = params.context.only
        actions = []
        if asked_for(types.CodeActionKind.QuickFix, only):
            actions.append(fix_action(linted, here, types.CodeActionKind.QuickFix, codec))
            actions += [noqa_action(linted, d, codec) for d in here]
        if only is not None and asked_for(types.CodeActionKind.SourceFixAll, only):  # e.g. on save
            actions.append(fix_action(linted, linted.diagnostics, types.CodeActionKind.SourceFixAll, codec))
        return [action for action in actions if action is not None]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        linted = server.current(params.text_document.uri)
        at = server.workspace.position_codec.position_from_client_units(linted.lines, params.position)
        text = hover_markdown(linted.diagnostics, linted.lines, at)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    return server


async def _watch_client(pid: int) -> None:
    """Leave when the editor is gone, even if something else still holds our stdin open."""
    while True:
        await asyncio.sleep(CLIENT_POLL_SECONDS)
        if not _alive(pid):
            os._exit(1)  # as after `exit` without `shutdown`; the findings have nobody to go to


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, under another user
        return True
    return True
