"""The two tests that let most files skip the libcst parse never cost a finding."""

from __future__ import annotations

import json
from pathlib import Path

import libcst as cst
import pytest
from config_pairs import config_fixture_files
from conftest import REPO, fixture_files, notebook_fixture_files, run_module
from lanes import fast_share
from test_rule_docs import EXAMPLES

from warmlint.analysis.collect import collect
from warmlint.analysis.deepspeed_dicts import deepspeed_schedules
from warmlint.analysis.model import Model
from warmlint.analysis.trainer_configs import trainer_configs
from warmlint.engine.lint import check_source
from warmlint.files.prefilter import builds_what_rules_need, may_matter

SOURCES = fixture_files()  # the fixed files beside the pitfalls included


def passes_both(data: bytes) -> bool:
    return may_matter(data) and builds_what_rules_need(data)


def model_of(source: bytes | str) -> Model:
    return Model(*collect(cst.parse_module(source)))


def holds_what_rules_start_from(model: Model) -> bool:
    """The full analysis finds an optimizer, a scheduler, an LR write, a Trainer config or a
    DeepSpeed dict: what every rule starts from, so the file was worth the libcst parse."""
    return bool(
        model.optimizers
        or model.schedulers
        or model.unattributed_lr_writes
        or trainer_configs(model)
        or deepspeed_schedules(model)
    )


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


# The prefilter's decision splits the files (it is cheap); each half is held to what the full check says.
SKIPPED = [p for p in SOURCES if not passes_both(p.read_bytes())]
PARSED = [p for p in SOURCES if p not in SKIPPED]


def test_the_fixtures_hold_both_decisions():
    assert SKIPPED and PARSED


@pytest.mark.parametrize("path", fast_share(SKIPPED), ids=name)
def test_a_skipped_file_has_no_findings(path: Path):
    data = path.read_bytes()
    result = check_source(data, str(path))
    assert [d.code for d in result.diagnostics] == []
    assert result.model is not None and not holds_what_rules_start_from(result.model)


@pytest.mark.parametrize("path", fast_share(PARSED), ids=name)
def test_a_parsed_file_holds_what_rules_start_from(path: Path):
    assert holds_what_rules_start_from(model_of(path.read_bytes()))


@pytest.mark.parametrize("code,kind,source", EXAMPLES)
def test_a_rule_page_example_is_skipped_only_without_findings(code, kind, source):
    result = check_source(source, "example.py")  # its model, too: the file is parsed once
    found = {d.code for d in result.diagnostics}
    if not passes_both(source.encode()):
        assert found == set()
    elif found == {"WL000"}:
        assert not compiles(source)  # parsed on so that the full parse reports it
    else:
        assert result.model is not None and holds_what_rules_start_from(result.model)


def compiles(source: str) -> bool:
    try:
        compile(source, "example.py", "exec")
    except SyntaxError:
        return False
    return True


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
