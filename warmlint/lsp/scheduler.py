"""When the server checks a document: a short while after the last edit, off the message loop.

An editor sends a ``didChange`` per keystroke. Checking each text as it arrives would queue one
analysis per keystroke and publish findings for texts the user no longer has. Instead each edit
restarts a short timer; when it runs out, the document's text of that moment is checked in a
worker thread (so the server keeps reading messages, cancellations included), and the findings
are published only if no edit came in meanwhile. A check that an edit overtook is not published;
the next one starts as soon as it ends, so at most one stale check runs per document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from warmlint.lsp.linting import Linted

# Seconds without an edit before a document is checked.
SETTLE_SECONDS = 0.15


@dataclass
class _Document:
    timer: asyncio.TimerHandle | None = None
    running: bool = False
    # An edit came in while a check ran: check again when it ends.
    again: bool = False
    closed: bool = False


@dataclass
class LintScheduler:
    """``text(uri)`` gives the document's current (version, text); ``check`` lints one text;
    ``done(uri, version, linted)`` publishes it."""

    text: Callable[[str], tuple[int | None, str]]
    check: Callable[[str, str], Linted]
    done: Callable[[str, int | None, Linted], None]
    settle: float = SETTLE_SECONDS
    _documents: dict[str, _Document] = field(default_factory=dict)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "warmlint-check"))

    def edited(self, uri: str, settle: float | None = None) -> None:
        """Check the document once it has gone ``settle`` seconds (default: ``self.settle``) without an edit."""
        document = self._documents.setdefault(uri, _Document())
        if document.timer is not None:
            document.timer.cancel()
        delay = self.settle if settle is None else settle
        document.timer = asyncio.get_running_loop().call_later(delay, self._settled, uri)

    def closed(self, uri: str) -> None:
        document = self._documents.pop(uri, None)
        if document is not None:
            document.closed = True
            if document.timer is not None:
                document.timer.cancel()

    def _settled(self, uri: str) -> None:
        document = self._documents.get(uri)
        if document is None:
            return
        document.timer = None
        if document.running:
            document.again = True
            return
        document.running = True
        asyncio.get_running_loop().create_task(self._run(uri, document))

    async def _run(self, uri: str, document: _Document) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not document.closed:
                document.again = False
                version, source = self.text(uri)
                linted = await loop.run_in_executor(self._pool, self.check, uri, source)
                if document.closed:
                    return
                if self.text(uri)[0] == version and document.timer is None:
                    self.done(uri, version, linted)
                if not document.again:
                    return
        finally:
            document.running = False

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
