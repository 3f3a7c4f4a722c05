"""Shared helpers for the warmlint test suite."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from hypothesis import settings

from warmlint.analysis.collect import collect
from warmlint.analysis.model import Model
from warmlint.cli import main
from warmlint.engine.lint import check_source

# With CI set (.ci/run sets it), every property test draws the same examples on every run, so a
# failure in CI is a failure of the code, never of the draw. Locally they stay random.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Locally (no CI), property tests draw a quarter of their examples so the fast lane stays fast;
# CI draws every one of them.
FULL_EXAMPLES = bool(os.environ.get("CI"))


def examples(full: int) -> int:
    """The example count for a property test: `full` in CI, a quarter of it (at least 2) locally."""
    return full if FULL_EXAMPLES else max(2, full // 4)


# The scripts the tests run under verify, pre-commit or torchrun share two cores with the test
# workers: one thread each, so torch does not lose its time to contention.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
RULE_DOCS = REPO / "rules"

EXPECT = re.compile(r"#\s*expect:\s*(WL\d{3}(?:\s*,\s*WL\d{3})*)")

# A small training run with one WL001 (SGD at lr=0.1, nothing changes it) on line 2.
HIGH_SGD = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor batch in loader:\n    opt.step()\n"
LOW_SGD = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.01)\nfor batch in loader:\n    opt.step()\n"

TEXT_LINE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>WL\d{3})(?P<fix> \[\*(?:unsafe)?\])? "
    r"\[(?P<name>[a-z0-9-]+)\] (?P<message>\S.*)$"
)
ANSI = "\x1b["

WL002_SOURCE = """\
import torch
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
warmup_steps = 100
for step in range(1000):
    if step < warmup_steps:
        for g in optimizer.param_groups:
            g["lr"] = 0.001
    optimizer.step()
"""

WL003_SOURCE = """\
import torch
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
for step in range(1000):
    optimizer.step()
    scheduler.step()
"""


def text_lines(output: str) -> list[re.Match]:
    return [m for m in map(TEXT_LINE.match, output.splitlines()) if m]


def reported_codes(output: str) -> list[str]:
    return sorted(m["code"] for m in text_lines(output))


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.py"))


def notebook_fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.ipynb"))


def expected_cell_markers(path: Path) -> set[tuple[int, int, str]]:
    """(cell, line, code) from `# expect:` comments in a notebook's code cells, as diagnostics report
    them: the cell 1-based among all cells, the line 1-based within the cell."""
    found = set()
    for cell_number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        for number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                found.update((cell_number, number, code.strip()) for code in match.group(1).split(","))
    return found


def expected_markers(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs from `# expect: WL001[, WL002]` comments in a file."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group(1).split(","))
    return found


def dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def model_of(source: str) -> Model:
    """The training-run model of a source text, as check builds it."""
    raw, imports = collect(cst.parse_module(dedent(source)))
    return Model(raw, imports)


def with_training_loop(source: str, name: str = "opt") -> str:
    """`source` followed by a loop that steps `name`, at the indentation of its last line.

    Only an optimizer that something steps in a loop is a training run; snippets that are about
    names or values get their loop from here.
    """
    source = dedent(source).rstrip("\n")
    last = source.splitlines()[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return f"{source}\n{indent}for batch in loader:\n{indent}    {name}.step()\n"


def diagnostics(source: str | bytes, path: str = "train.py", config=None):
    if isinstance(source, str):
        source = dedent(source)
    return check_source(source, path, config).diagnostics


def found(source: str | bytes, path: str = "train.py", config=None, only=None) -> set[tuple[int, str]]:
    """(line, code) of every diagnostic for `source`; `only`: keep just these codes."""
    return {(d.line, d.code) for d in diagnostics(source, path, config) if only is None or d.code in only}


def codes(source: str | bytes, path: str = "train.py", config=None) -> set[str]:
    return {d.code for d in diagnostics(source, path, config)}


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_module(
    *args: str, cwd: Path | None = None, input: bytes | None = None, timeout: float = 60, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`python -m warmlint ARGS` in a fresh interpreter."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "warmlint", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env=environment,
    )


@pytest.fixture
def cli():
    """Invoke the click entry point in-process; returns click's Result (stdout/stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None, env: dict | None = None, color: bool = False):
        return runner.invoke(main, list(args), input=input, env=env, color=color, catch_exceptions=False)

    return invoke


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run with the working directory set to an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def all_slow(module: Path) -> bool:
    """Whether the module marks every test slow (`pytestmark` is `pytest.mark.slow` or lists it)."""
    for statement in ast.parse(module.read_bytes()).body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in statement.targets
        ):
            marks = statement.value.elts if isinstance(statement.value, ast.List) else [statement.value]
            return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks)
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The fast lane (`-m "not slow"`) does not import a module whose every test is slow: some build
    their cases at import (fixing every config, importing torch), which would cost it seconds."""
    if config.option.markexpr.strip() == "not slow" and collection_path.name.startswith("test_"):
        return True if collection_path.suffix == ".py" and all_slow(collection_path) else None
    return None
