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
from warmlint.lsp.hover import hover_markdown, schedule_hover
from warmlint.lsp.linting import Linted, lint
from warmlint.lsp.notebooks import NOTEBOOK_SYNC, notebook_text, per_cell
from warmlint.lsp.scheduler import LintScheduler

ACTION_KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
# How often the server looks whether the editor that started it is still there.
CLIENT_POLL_SECONDS = 2.0


class WarmlintServer(LanguageServer):
    """A language server that keeps the findings of the last text it checked of each open document."""

    def __init__(self) -> None:
        super().__init__("warmlint", __version__, notebook_document_sync=NOTEBOOK_SYNC)
        self.linted: dict[str, Linted] = {}
        self.scheduler = LintScheduler(self._text, lint, self._publish)
        self.shutdown_requested = False

    def exit_status(self) -> int:
        """As LSP asks: 0 after `shutdown`, 1 when the editor left without it (pygls loses this)."""
        return 0 if self.shutdown_requested else 1

    def _text(self, uri: str) -> tuple[int | None, str]:
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:  # its cells, as one notebook
            return notebook.version, notebook_text(self.workspace, notebook)
        document = self.workspace.get_text_document(uri)
        return document.version, document.source

    def in_notebook(self, uri: str) -> bool:
        return self.workspace.get_notebook_document(cell_uri=uri) is not None

    def current(self, uri: str) -> Linted:
        """The findings for the document's text now, checked again only if it changed since; a
        notebook cell's are those of the notebook's last check."""
        source = self.workspace.get_text_document(uri).source
        if self.in_notebook(uri):
            return self.linted.get(uri) or Linted(uri, source, uri, None)
        linted = self.linted.get(uri)
        if linted is None or linted.source != source:
            linted = self.linted[uri] = lint(uri, source)
        return linted

    def _publish(self, uri: str, version: int | None, linted: Linted) -> None:
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:
            for cell, found in per_cell(self.workspace, notebook, linted).items():
                self._publish(cell, None, found)
            return
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

    def forget_notebook(self, params: types.DidCloseNotebookDocumentParams) -> None:
        self.scheduler.closed(params.notebook_document.uri)
        for cell in params.cell_text_documents:
            self.linted.pop(cell.uri, None)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))


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

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(params: types.DidOpenNotebookDocumentParams) -> None:
        server.scheduler.edited(params.notebook_document.uri, settle=0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(params: types.DidChangeNotebookDocumentParams) -> None:
        cells = params.change.cells
        structure = cells.structure if cells is not None else None
        for closed in (structure.did_close or []) if structure is not None else []:
            server.forget(closed.uri)  # a deleted cell keeps no findings
        server.scheduler.edited(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(params: types.DidSaveNotebookDocumentParams) -> None:
        server.scheduler.edited(params.notebook_document.uri, settle=0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(params: types.DidCloseNotebookDocumentParams) -> None:
        server.forget_notebook(params)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=ACTION_KINDS))
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        if server.in_notebook(params.text_document.uri):
            return []  # fixes edit the whole notebook file, not one cell: `warmlint fix` applies them
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
        pages = [hover_markdown(linted.diagnostics, linted.lines, at), schedule_hover(linted, at)]
        text = "\n\n---\n\n".join(page for page in pages if page)
        if not text:
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
