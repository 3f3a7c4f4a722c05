"""The flake8 plugin reports what `warmlint check` reports, with flake8's 0-based columns."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from conftest import FIXTURES, REPO, dedent, expected_markers

from warmlint import __version__
from warmlint.engine.lint import check_source
from warmlint.flake8_plugin import Warmlint

LITERAL = FIXTURES / "wl001_literal_sgd" / "train.py"


def plugin_results(path, text: str | None = None) -> list[tuple]:
    source = LITERAL.read_text(encoding="utf-8") if text is None else text
    lines = source.splitlines(keepends=True)
    return list(Warmlint(ast.parse(source), str(path), lines).run())


def test_plugin_attributes():
    assert Warmlint.name == "warmlint"
    assert Warmlint.version == __version__


def test_reports_the_fixture_marker_with_a_0_based_column():
    (found,) = plugin_results(LITERAL)
    line, column, text, kind = found
    assert {(line, "WL001")} == expected_markers(LITERAL)
    (diagnostic,) = check_source(LITERAL.read_bytes(), str(LITERAL)).diagnostics
    assert (line, column) == (diagnostic.line, diagnostic.column - 1)
    assert text == f"WL001 {diagnostic.message}"
    assert kind is Warmlint


@pytest.mark.slow  # every fixture through flake8; the fast lane keeps one
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*/train.py")), ids=lambda p: p.parent.name)
def test_same_findings_as_the_engine(fixture):
    text = fixture.read_text(encoding="utf-8")
    found = [(line, column + 1, message.split(" ", 1)[0]) for line, column, message, _ in plugin_results(fixture, text)]
    engine = [(d.line, d.column, d.code) for d in check_source(fixture.read_bytes(), str(fixture)).diagnostics]
    assert found == engine


def test_clean_file_reports_nothing(tmp_path):
    clean = dedent("""
        import torch
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        for x in loader:
            optimizer.step()
    """)
    assert plugin_results(tmp_path / "clean.py", clean) == []


def test_reads_pyproject_thresholds(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.warmlint.thresholds]\nsgd-high = 0.5\n", encoding="utf-8")
    script = tmp_path / "train.py"
    script.write_text(LITERAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert plugin_results(script) == []


def flake8_with_plugin() -> bool:
    try:
        import flake8  # noqa: F401
    except ImportError:
        return False
    return any(entry.value == "warmlint.flake8_plugin:Warmlint" for entry in entry_points(group="flake8.extension"))


@pytest.mark.skipif(
    not flake8_with_plugin(),
    reason="flake8 is not installed, or warmlint was installed "
    "before its flake8 entry point existed (pip install -e . again)",
)
@pytest.mark.slow  # runs flake8
def test_flake8_runs_the_plugin():
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "WL", "fixtures/wl001_literal_sgd/train.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    (diagnostic,) = check_source(LITERAL.read_bytes(), str(LITERAL)).diagnostics
    expected = f"fixtures/wl001_literal_sgd/train.py:{diagnostic.line}:{diagnostic.column}: WL001 {diagnostic.message}"
    assert result.stdout.splitlines() == [expected]
