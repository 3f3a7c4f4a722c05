"""`warmlint server`: a real LSP exchange over stdio, with JSON-RPC messages framed as editors frame them."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest
from lsprotocol.converters import get_converter
from pygls.workspace.position_codec import PositionCodec

from warmlint.engine.fixer import fix_source
from warmlint.lsp.actions import line_edits
from warmlint.output.links import rule_page_url
from warmlint.output.rule_docs import rule_doc

TIMEOUT = 20  # seconds for any one answer: a hang fails the test instead of blocking the suite

SNIPPET = (
    "import torch\n"
    "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    "loader = torch.utils.data.DataLoader(data, batch_size=8)\n"  # gives the scheduler its `len(loader)`
    "for batch in loader:\n"
    "    opt.step()\n"
)


def read_messages(stream: IO[bytes], into: queue.Queue) -> None:
    """Parse `Content-Length`-framed messages until the stream ends (then put None)."""
    while True:
        headers = {}
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            headers[name.strip().lower()] = value.strip()
        if not line:
            into.put(None)
            return
        into.put(json.loads(stream.read(int(headers["content-length"]))))


class Client:
    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=read_messages, args=(process.stdout, self.inbox), daemon=True).start()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def receive(self, wanted) -> dict:
        """The next message `wanted` accepts; the others (log messages, say) are dropped."""
        while True:
            message = self.inbox.get(timeout=TIMEOUT)
            assert message is not None, "the server closed its output"
            if wanted(message):
                return message

    def request(self, method: str, params: Any = None) -> Any:
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params})
        answer = self.receive(lambda message: message.get("id") == number and "method" not in message)
        assert "error" not in answer, answer
        return answer["result"]

    def diagnostics(self, uri: str) -> list[dict]:
        published = self.receive(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )
        return published["params"]["diagnostics"]


def offset(text: str, position: dict) -> int:
    """An LSP position in `text` (ASCII here, so UTF-16 units are characters)."""
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: position["line"]]) + position["character"]


def applied(text: str, edits: list[dict]) -> str:
    """`text` with the edits made, last first, as a client makes them."""
    for edit in sorted(edits, key=lambda e: offset(text, e["range"]["start"]), reverse=True):
        start, end = offset(text, edit["range"]["start"]), offset(text, edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


@pytest.fixture
def client(tmp_path: Path):
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "warmlint", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
    )
    try:
        yield Client(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT)
        log.close()


def test_a_session_reports_fixes_suppresses_and_explains_wl001(client: Client, tmp_path: Path):
    path = tmp_path / "train.py"
    uri = path.as_uri()
    capabilities = client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    assert capabilities["capabilities"]["hoverProvider"]
    client.notify("initialized", {})

    document = {"uri": uri, "languageId": "python", "version": 1, "text": SNIPPET}
    client.notify("textDocument/didOpen", {"textDocument": document})
    [wl001] = [d for d in client.diagnostics(uri) if d["code"] == "WL001"]
    assert wl001["range"]["start"] == {"line": 1, "character": 6}
    assert wl001["source"] == "warmlint" and wl001["severity"] == 2
    assert "lr=0.1" in wl001["message"]
    assert wl001["codeDescription"]["href"] == rule_page_url("WL001")

    context = {"diagnostics": [wl001]}
    actions = client.request(
        "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": wl001["range"], "context": context}
    )
    [fix] = [a for a in actions if "fix" in a["title"]]
    fixed = applied(SNIPPET, fix["edit"]["changes"][uri])
    assert fixed == fix_source(SNIPPET, str(path))
    assert "torch.optim.lr_scheduler.LambdaLR(opt" in fixed and "    scheduler.step()\n" in fixed

    on_save = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": wl001["range"], "context": {"diagnostics": [], "only": ["source"]}},
    )
    assert [(a["kind"], a["edit"]) for a in on_save] == [("source.fixAll", fix["edit"])]

    [noqa] = [a for a in actions if "noqa" in a["title"]]
    suppressed = applied(SNIPPET, noqa["edit"]["changes"][uri])
    assert suppressed.splitlines()[1] == "opt = torch.optim.SGD(model.parameters(), lr=0.1)  # noqa: WL001"

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": wl001["range"]["start"]})
    # The rule's page, then what `warmlint explain` shows of the optimizer it is on.
    page, summary = hover["contents"]["value"].split("\n\n---\n\n")
    assert page == rule_doc("WL001") and summary.startswith("**SGD** (sgd family)")

    change = {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}
    client.notify("textDocument/didChange", change)
    assert client.diagnostics(uri) == []

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text("[tool.warmlint]\nselect = 3\n")
    elsewhere = {"uri": (broken / "train.py").as_uri(), "languageId": "python", "version": 1, "text": SNIPPET}
    client.notify("textDocument/didOpen", {"textDocument": elsewhere})
    [problem] = client.diagnostics(elsewhere["uri"])
    assert problem["severity"] == 1 and "pyproject.toml" in problem["message"]

    assert client.request("shutdown") is None
    client.notify("exit")
    assert client.process.wait(timeout=TIMEOUT) == 0


@pytest.mark.slow  # a server session of its own
def test_an_unused_suppression_is_fixed_by_a_code_action(client: Client, tmp_path: Path):
    text = SNIPPET.replace("lr=0.1)", "lr=0.01)  # noqa: E501, WL001")
    uri = (tmp_path / "train.py").as_uri()
    client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    [wl101] = client.diagnostics(uri)
    assert wl101["code"] == "WL101" and wl101["range"]["start"] == {"line": 1, "character": 52}
    context = {"diagnostics": [wl101]}
    actions = client.request(
        "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": wl101["range"], "context": context}
    )
    [fix] = actions  # no noqa quick fix: a comment does not silence WL101
    fixed = applied(text, fix["edit"]["changes"][uri])
    assert fixed.splitlines()[1] == "opt = torch.optim.SGD(model.parameters(), lr=0.01)  # noqa: E501"
    assert client.request("shutdown") is None
    client.notify("exit")


@pytest.mark.slow  # a server started without pygls
def test_without_pygls_the_server_names_the_extra_to_install():
    blocked = "import sys; sys.modules['pygls'] = None; from warmlint.cli import main; main(['server'])"
    run = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 2
    assert run.stderr == "warmlint: error: `warmlint server` needs pygls: pip install 'warmlint[lsp]'\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb", "a\nb\nc\n"),  # the last line has no line break: the edit ends at the end of the document
        ("a\r\nb\r\n", "x\r\na\r\nb\r\n"),
        ("", "a\n"),
    ],
)
def test_line_edits_rebuild_the_new_text(before: str, after: str):
    edits = get_converter().unstructure(line_edits(before, after, PositionCodec()))
    assert applied(before, edits) == after
