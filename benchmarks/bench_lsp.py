"""`warmlint server` under edits: memory over many edit cycles, and how soon a burst is answered.

    python benchmarks/bench_lsp.py [--cycles 1000] [--burst 1000]

1. **Memory.** One document, ``--cycles`` edit cycles (a ``didChange``, then the diagnostics of
   that version), the server's resident memory sampled from /proc after 10%, 50% and 100% of the
   cycles. Target: the last sample within 1.2x of the first (memory stays flat).
2. **Burst.** ``--burst`` ``didChange`` sent at once and, right behind them, a request for an
   unknown method (answered at once, so its answer says when the server has read the burst).
   Measured: the time from that answer to the diagnostics of the last version, as a ratio to
   the settle delay plus one ``check_source`` of the same text in this process (same run).
   Target: below 2 (the settle delay and one check; no queue of stale checks). Also counted:
   how many versions were published during the burst (target: 1, the last).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from warmlint.engine.lint import check_source
from warmlint.lsp.scheduler import SETTLE_SECONDS

TEXT = (
    "import torch\n"
    "model = torch.nn.Linear(4, 1)\n"
    "opt = torch.optim.SGD(model.parameters(), lr={lr})\n"
    "sched = torch.optim.lr_scheduler.StepLR(opt, 10)\n"
    "for epoch in range(90):\n"
    "    for batch in loader:\n"
    "        opt.step()\n"
    "    sched.step()\n"
) + "".join(f"value_{index} = {index} * 2\n" for index in range(200))


def text(version: int) -> str:
    return TEXT.format(lr=f"0.{version % 97 + 1:03d}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def main(cycles: int, burst: int) -> None:
    client = LanguageClient("bench", "1")
    published: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published[params.version] = time.perf_counter()
        arrived.set()

    await client.start_io(sys.executable, "-m", "warmlint", "server")
    server = client._server
    assert server is not None and server.stderr is not None
    drain = asyncio.get_running_loop().create_task(server.stderr.read())
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    uri = Path("bench_lsp_document.py").resolve().as_uri()
    item = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text(1))
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    async def wait_for(version: int) -> None:
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 120)

    def change(version: int) -> None:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text(version))],
            )
        )

    await wait_for(1)
    samples = {}
    checkpoints = {max(1, cycles // 10), cycles // 2, cycles}
    started = time.perf_counter()
    for cycle in range(1, cycles + 1):
        change(cycle + 1)
        await wait_for(cycle + 1)
        if cycle in checkpoints:
            samples[cycle] = rss_kib(server.pid)
    cycle_seconds = (time.perf_counter() - started) / cycles
    first, last = samples[min(samples)], samples[max(samples)]
    print(f"memory over {cycles} edit cycles ({cycle_seconds * 1000:.0f} ms each, settle included):")
    for cycle, kib in sorted(samples.items()):
        print(f"  after {cycle:>5} cycles: {kib / 1024:.1f} MiB")
    print(f"  last / first = {last / first:.3f} (target <= 1.2)")

    base = cycles + 1
    before = len(published)
    sent = time.perf_counter()
    for offset in range(1, burst + 1):
        change(base + offset)
    try:
        await client.protocol.send_request_async("bench/noSuchMethod", {})
    except Exception:  # the MethodNotFound answer is the point
        pass
    read = time.perf_counter()
    await wait_for(base + burst)
    delay = published[base + burst] - read
    during = len(published) - before

    check_started = time.perf_counter()
    check_source(text(base + burst), "bench_lsp_document.py")
    check_time = time.perf_counter() - check_started
    print(f"burst of {burst} didChange: read by the server {(read - sent) * 1000:.0f} ms after the first was sent")
    print(f"  versions published during the burst: {during} (target: 1)")
    print(f"  last version published {delay * 1000:.0f} ms after the burst was read")
    print(f"  settle {SETTLE_SECONDS * 1000:.0f} ms + one check_source {check_time * 1000:.0f} ms in this process")
    print(f"  ratio {delay / (SETTLE_SECONDS + check_time):.2f} (target < 2)")

    await client.shutdown_async(None)
    client.exit(None)
    await server.wait()
    drain.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.cycles, arguments.burst))
