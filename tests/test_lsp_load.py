"""`warmlint server` under an editor's load, driven by pygls's own language client.

A keystroke burst, a 20,000-line file, a syntax error mid-edit, cancelled requests, unknown
methods, shutdown and exit, and an editor that goes away. Every wait has a generous limit: it
turns a hang into a failure, and no test asserts how fast anything is (benchmarks/ measures that).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pygls_client = pytest.importorskip("pygls.lsp.client")
from lsprotocol import types  # noqa: E402

WAIT = 120.0  # seconds: a hang guard on a loaded machine, not a speed target
HIGH = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor batch in loader:\n    opt.step()\n"
LOW = HIGH.replace("lr=0.1", "lr=0.01")


@dataclass
class Editor:
    """A pygls client with the diagnostics the server published, in order."""

    client: Any
    process: asyncio.subprocess.Process
    published: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def until(self, condition: Callable[[], bool]) -> None:
        async def poll() -> None:
            while not condition():
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(poll(), WAIT)

    def for_uri(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.published if p.uri == uri]

    def open(self, uri: str, text: str, version: int = 1) -> None:
        item = types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    def change(self, uri: str, version: int, text: str) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def published_version(self, uri: str, version: int) -> types.PublishDiagnosticsParams:
        await self.until(lambda: any(p.version == version for p in self.for_uri(uri)))
        return next(p for p in self.for_uri(uri) if p.version == version)


def codes(published: types.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in published.diagnostics)


@asynccontextmanager
async def editor(root: Path, process_id: int | None = None) -> AsyncIterator[Editor]:
    client = pygls_client.LanguageClient("test-editor", "1")
    await client.start_io(sys.executable, "-m", "warmlint", "server")
    process = client._server
    assert process is not None and process.stderr is not None
    drain = asyncio.get_running_loop().create_task(process.stderr.read())  # a full pipe would block the server
    session = Editor(client, process)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        session.published.append(params)
        session.arrived.set()

    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(), process_id=process_id
    )
    await asyncio.wait_for(client.initialize_async(params), WAIT)
    client.initialized(types.InitializedParams())
    try:
        yield session
    finally:
        if process.returncode is None:
            process.kill()
        await asyncio.wait_for(process.wait(), WAIT)
        drain.cancel()


async def leave(session: Editor) -> int:
    """shutdown, then exit: the server's exit status."""
    assert await asyncio.wait_for(session.client.shutdown_async(None), WAIT) is None
    session.client.exit(None)
    return await asyncio.wait_for(session.process.wait(), WAIT)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.mark.slow
def test_a_burst_of_1000_edits_publishes_the_last_version_and_nothing_stale(tmp_path):
    async def scenario() -> None:
        uri = (tmp_path / "train.py").as_uri()
        async with editor(tmp_path) as session:
            session.open(uri, LOW)
            await session.published_version(uri, 1)
            for version in range(2, 1002):  # odd versions have WL001, even ones are clean
                session.change(uri, version, HIGH if version % 2 else LOW)
            last = await session.published_version(uri, 1001)
            assert codes(last) == ["WL001"]
            await asyncio.sleep(1.0)  # anything still on its way arrives now
            during = [p for p in session.for_uri(uri) if p.version != 1]
            versions = [p.version for p in during]
            assert versions == sorted(versions) and versions[-1] == 1001  # in order, the last one last
            for published in during:  # never the findings of one text under another's version
                assert codes(published) == (["WL001"] if published.version % 2 else [])
            assert len(during) < 100  # one per settled pause, not one per keystroke
            assert await leave(session) == 0

    run(scenario())


@pytest.mark.slow
def test_a_20000_line_file_is_checked_and_the_server_still_answers_meanwhile(tmp_path):
    big = HIGH + "".join(f"value_{index} = {index} * 2\n" for index in range(20_000))

    async def scenario() -> None:
        big_uri, small_uri = (tmp_path / "big.py").as_uri(), (tmp_path / "small.py").as_uri()
        async with editor(tmp_path) as session:
            session.open(big_uri, big)
            session.open(small_uri, HIGH)
            hover = types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=small_uri), position=types.Position(line=1, character=6)
            )
            answer = await asyncio.wait_for(session.client.text_document_hover_async(hover), WAIT)
            assert answer is not None and "WL001" in answer.contents.value
            assert codes(await session.published_version(big_uri, 1)) == ["WL001"]
            assert await leave(session) == 0

    run(scenario())


@pytest.mark.slow
def test_a_syntax_error_mid_edit_then_cancelled_and_unknown_requests_leave_the_server_answering(tmp_path):
    """One server for both (each start costs seconds): mid-edit breakage, then odd requests."""

    async def scenario() -> None:
        uri = (tmp_path / "train.py").as_uri()
        async with editor(tmp_path) as session:
            session.open(uri, HIGH)
            assert codes(await session.published_version(uri, 1)) == ["WL001"]
            session.change(uri, 2, HIGH.replace("lr=0.1)", "lr=0.1"))  # the closing parenthesis not typed yet
            assert codes(await session.published_version(uri, 2)) == ["WL000"]
            session.change(uri, 3, HIGH)
            assert codes(await session.published_version(uri, 3)) == ["WL001"]

            protocol = session.client.protocol
            hover = types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=6)
            )
            cancelled = protocol.send_request_async(types.TEXT_DOCUMENT_HOVER, hover, msg_id="to-cancel")
            protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel"))
            protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="never-sent"))
            try:  # answered, or answered as cancelled: either way, answered
                await asyncio.wait_for(cancelled, WAIT)
            except Exception as error:  # noqa: BLE001
                assert "cancel" in str(error).lower(), error
            with pytest.raises(Exception, match="warmlint/noSuchMethod"):
                await asyncio.wait_for(protocol.send_request_async("warmlint/noSuchMethod", {}), WAIT)
            protocol.notify("warmlint/noSuchNotification", {})
            answer = await asyncio.wait_for(session.client.text_document_hover_async(hover), WAIT)
            assert answer is not None and "WL001" in answer.contents.value
            assert await leave(session) == 0

    run(scenario())


@pytest.mark.slow
def test_exit_without_shutdown_ends_the_server_with_status_1(tmp_path):
    async def scenario() -> None:
        async with editor(tmp_path) as session:
            session.client.exit(None)
            assert await asyncio.wait_for(session.process.wait(), WAIT) == 1

    run(scenario())


@pytest.mark.slow
def test_a_closed_stdin_ends_the_server(tmp_path):
    async def scenario() -> None:
        async with editor(tmp_path) as session:
            session.open((tmp_path / "train.py").as_uri(), HIGH)
            session.process.stdin.close()
            await asyncio.wait_for(session.process.wait(), WAIT)
            assert not pid_exists(session.process.pid)

    run(scenario())


@pytest.mark.slow
def test_the_server_leaves_when_its_editor_dies_with_stdin_still_open(tmp_path):
    fake_editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])

    async def scenario() -> None:
        async with editor(tmp_path, process_id=fake_editor.pid) as session:
            uri = (tmp_path / "train.py").as_uri()
            session.open(uri, HIGH)
            await session.published_version(uri, 1)
            fake_editor.kill()
            fake_editor.wait()
            assert await asyncio.wait_for(session.process.wait(), WAIT) == 1
            assert not pid_exists(session.process.pid)

    try:
        run(scenario())
    finally:
        fake_editor.kill()
        fake_editor.wait()


def pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
