"""The editor: hover on an optimizer or a scheduler shows its `explain` summary, rule links point at
the project's repository, and notebooks open as notebooks get findings per cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_lsp import TIMEOUT, Client

from warmlint import __version__
from warmlint.output.links import REPOSITORY, rule_page_url

SCHEDULED = (
    "import torch\n"
    "opt = torch.optim.AdamW(model.parameters(), lr=1e-3)\n"
    "warmup_steps = 10\n"
    "total_steps = 100\n"
    "sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup_steps))\n"
    "for step in range(total_steps):\n"
    "    opt.step()\n"
    "    sched.step()\n"
)


@pytest.fixture
def client(tmp_path: Path):
    """A `warmlint server` over stdio (as tests/test_lsp.py starts it)."""
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


def start(client: Client, root: Path, **capabilities) -> dict:
    answer = client.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities})
    client.notify("initialized", {})
    return answer["capabilities"]


def hover(client: Client, uri: str, line: int, character: int) -> str | None:
    found = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    )
    return found["contents"]["value"] if found else None


def test_rule_pages_link_to_the_repository_at_this_release():
    assert rule_page_url("WL003") == f"{REPOSITORY}/blob/v{__version__}/rules/WL003-warmup-without-decay.md"
    assert (Path(__file__).parent.parent / "rules" / "WL003-warmup-without-decay.md").is_file()


@pytest.mark.slow  # a server session of its own
def test_hover_on_an_optimizer_and_its_scheduler_shows_the_schedule(client: Client, tmp_path: Path):
    uri = (tmp_path / "train.py").as_uri()
    start(client, tmp_path)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SCHEDULED}},
    )
    client.diagnostics(uri)
    on_name = hover(client, uri, 1, 1)  # `opt` where it is built
    assert on_name is not None and on_name.startswith("**AdamW** (adam family): a training run")
    assert "- T: `total_steps` (= 100) optimizer steps" in on_name
    assert "- W: `warmup_steps` (= 10) optimizer steps" in on_name
    assert "- curve: starts at 0.0001, peak 0.001 at step 10" in on_name
    assert "█" in on_name.splitlines()[-1]  # the one-line curve
    on_scheduler = hover(client, uri, 7, 5)  # `sched` of `sched.step()`
    assert on_scheduler is not None and on_scheduler.startswith("**LambdaLR** sets the LR of AdamW")
    assert "- set by: LambdaLR (stepped once per optimizer step" in on_scheduler
    assert hover(client, uri, 5, 0) is None  # the loop: neither


def cell(uri: str, text: str, version: int = 1) -> dict:
    return {"uri": uri, "languageId": "python", "version": version, "text": text}


@pytest.mark.slow  # a notebook session of its own
def test_a_notebook_gets_findings_per_cell(client: Client, tmp_path: Path):
    capabilities = start(client, tmp_path, notebookDocument={"synchronization": {}})
    assert capabilities["notebookDocumentSync"]["notebookSelector"]
    notebook = (tmp_path / "train.ipynb").as_uri()
    first, second, notes = (f"{notebook}#cell{n}" for n in (1, 2, 3))
    cells = [{"kind": 2, "document": first}, {"kind": 1, "document": notes}, {"kind": 2, "document": second}]
    client.notify(
        "notebookDocument/didOpen",
        {
            "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1, "cells": cells},
            "cellTextDocuments": [
                cell(first, "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"),
                {**cell(notes, "# Training\n"), "languageId": "markdown"},
                cell(second, "for batch in loader:\n    opt.step()\n"),
            ],
        },
    )
    published = {}
    while len(published) < 3:
        message = client.receive(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        published[message["params"]["uri"]] = message["params"]["diagnostics"]
    [wl001] = published[first]
    assert wl001["code"] == "WL001" and wl001["range"]["start"] == {"line": 1, "character": 6}
    assert published[second] == [] and published[notes] == []

    at = "opt = torch.optim.SGD(model.parameters(), lr=0.1)".index("0.1")
    lower = {"start": {"line": 1, "character": at}, "end": {"line": 1, "character": at + 3}}
    change = {
        "cells": {
            "textContent": [{"document": {"uri": first, "version": 2}, "changes": [{"range": lower, "text": "0.01"}]}]
        }
    }
    client.notify("notebookDocument/didChange", {"notebookDocument": {"uri": notebook, "version": 2}, "change": change})
    assert client.diagnostics(first) == []

    client.notify(
        "notebookDocument/didClose",
        {"notebookDocument": {"uri": notebook}, "cellTextDocuments": [{"uri": u} for u in (first, notes, second)]},
    )
    assert client.diagnostics(first) == []
    assert client.request("shutdown") is None
    client.notify("exit")
    assert client.process.wait(timeout=TIMEOUT) == 0
