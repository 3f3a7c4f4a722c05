"""The two tests that let most files skip the libcst parse never cost a finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from config_pairs import config_fixture_files
from conftest import REPO, fixture_files, notebook_fixture_files, run_module
from test_rule_docs import EXAMPLES

from warmlint.engine.lint import check_source
from warmlint.files.prefilter import builds_what_rules_need, may_matter

SOURCES = fixture_files()  # the fixed files beside the pitfalls included


def passes_both(data: bytes) -> bool:
    return may_matter(data) and builds_what_rules_need(data)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_with_a_finding_passes_both_tests(path: Path):
    data = path.read_bytes()
    if any(d.code != "WL000" for d in check_source(data, str(path)).diagnostics):
        assert passes_both(data)


@pytest.mark.parametrize("code,kind,source", EXAMPLES)
def test_every_rule_page_example_with_a_finding_passes_both_tests(code, kind, source):
    if check_source(source, "example.py").diagnostics:
        assert passes_both(source.encode())


@pytest.mark.slow  # checks the whole fixture tree twice, once per file and once as a walk
def test_walking_the_fixtures_finds_what_checking_each_file_finds(tmp_path):
    walked = run_module("check", "--no-cache", "--format", "json", "fixtures", cwd=REPO)
    reported = {(d["path"], d.get("cell"), d["line"], d["code"]) for d in json.loads(walked.stdout)}
    expected = {
        (str(path.relative_to(REPO)), d.cell, d.line, d.code)
        for path in fixture_files() + notebook_fixture_files() + config_fixture_files()
        for d in check_source(path.read_bytes(), str(path)).diagnostics
    }
    assert reported == expected and expected


@pytest.mark.parametrize(
    "source",
    [
        "from torch.optim import AdamW as Opt\nopt = Opt(params, lr=1e-3)\n",
        "import torch.optim.lr_scheduler as sched\ns = sched.MyOwnName(opt)\n",
        "import torch\ndef make():\n    return torch.optim.SGD(params, lr=0.1)\n",
        "def f():\n    from transformers import get_cosine_schedule_with_warmup as g\n    g(opt, 10, 100)\n",
        "for group in groups:\n    group['lr'] = 0.01\n",
        "x = = 1  # optimizer\n",  # CPython cannot parse it: the full parse reports it
    ],
)
def test_what_goes_on_to_the_full_parse(source):
    assert builds_what_rules_need(source.encode())


@pytest.mark.parametrize(
    "source",
    [
        '"""Set the optimizer and the scheduler in the config."""\nx = 1\n',
        "import torch\nmodel = torch.nn.Linear(2, 2)\nloss = model(x).sum()\n",
        "from .optim import SGD\nopt = SGD(params, lr=0.1)\n",  # relative: not torch's (as the analysis sees it)
        "def optimizer_step(optimizer):\n    optimizer.step()\n",
    ],
)
def test_what_is_skipped(source):
    assert not builds_what_rules_need(source.encode())
    assert check_source(source, "skipped.py").diagnostics == []
