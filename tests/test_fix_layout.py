"""The lines a fix writes follow the project: its line length (warmlint's setting, else ruff's,
else black's, else 88) and its quotes, laid out as `ruff format` lays them out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from warmlint.cli import main
from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_bytes
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes

ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))
SCRIPT = """\
import torch


def {name}(model, loader, epochs, {checkpoint_path}):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            model(x).sum().backward()
            optimizer.step()
    ckpt = torch.load({checkpoint_path})
    optimizer.load_state_dict(ckpt[{q}optimizer{q}])
    torch.save({{{q}model{q}: model.state_dict(), {q}optimizer{q}: optimizer.state_dict()}}, {checkpoint_path})
"""


def line_length_for(tmp_path: Path, files: dict[str, str]) -> tuple[int, str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    resolved = SettingsResolver(all_codes()).for_path(tmp_path / "pkg" / "train.py")
    return resolved.config.line_length, resolved.settings["line-length"].origin


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[tool.warmlint]\nline-length = 100\n[tool.ruff]\nline-length = 79\n"}, 100),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 79\n[tool.black]\nline-length = 100\n"}, 79),
        ({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E']\n[tool.black]\nline-length = 100\n"}, 100),
        ({"pyproject.toml": "[tool.black]\nline-length = 72\n", "pkg/ruff.toml": "line-length = 110\n"}, 110),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 79\n", "pkg/.ruff.toml": "target-version = 'py311'\n"}, 88),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 'wide'\n"}, 88),  # not a length: ruff's default
    ],
    ids=["warmlint", "ruff", "black-after-ruff", "nearest-ruff-toml", "dot-ruff-default", "none", "invalid"],
)
def test_the_line_length_comes_from_the_nearest_formatter_config(tmp_path, files, expected) -> None:
    assert line_length_for(tmp_path, files)[0] == expected


def test_the_line_length_says_where_it_came_from(tmp_path) -> None:
    length, origin = line_length_for(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 79\n"})
    assert (length, Path(origin).name) == (79, "pyproject.toml")


@pytest.mark.parametrize("value", ["0", "'88'", "true", "1000"])
def test_a_bad_warmlint_line_length_is_one_line_naming_the_file(tmp_path, monkeypatch, value) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text(f"[tool.warmlint]\nline-length = {value}\n")
    Path("train.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["check", "train.py"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "pyproject.toml" in line and "line-length must be an integer from 1 to 320" in line


def ruff_formatted(path: Path, line_length: int, quote: str) -> bool:
    style = "single" if quote == "'" else "double"
    command = [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--line-length", str(line_length)]
    result = subprocess.run([*command, "--config", f"format.quote-style='{style}'", str(path)], capture_output=True)
    return result.returncode == 0


@pytest.mark.parametrize(
    "line_length", [pytest.param(79, marks=pytest.mark.slow), 88, pytest.param(120, marks=pytest.mark.slow)]
)
@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("long_names", [False, True], ids=["short", "long"])
def test_a_fixed_file_is_as_ruff_formats_it(tmp_path, line_length: int, quote: str, long_names: bool) -> None:
    """Inserted statements, a scheduler passed in, a guarded load and a checkpoint dict grown by one
    key, at several depths: the fixed file is what `ruff format` would write, and no line it wrote
    is longer than the line length."""
    names = {"name": "train_for_a_while", "checkpoint_path": "path_of_the_checkpoint_file"} if long_names else {}
    source = SCRIPT.format(q=quote, **{"name": "train", "checkpoint_path": "path", **names})
    original = tmp_path / "original.py"
    original.write_text(source)
    if not ruff_formatted(original, line_length, quote):
        subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", str(line_length),
             "--config", f"format.quote-style='{'single' if quote == chr(39) else 'double'}'", str(original)],
            check=True, capture_output=True,
        )  # fmt: skip
    source = original.read_text()
    config = Config(fix=ALL_FIXES.fix, line_length=line_length)
    outcome = fix_bytes(source.encode(), "train.py", config)
    assert {d.code for d in outcome.applied} >= {"WL001", "WL008"}
    fixed = tmp_path / "fixed.py"
    fixed.write_bytes(outcome.fixed)
    assert ruff_formatted(fixed, line_length, quote), outcome.fixed.decode()
    text = outcome.fixed.decode()
    new_lines = set(text.splitlines()) - set(source.splitlines())
    assert all(len(line) <= line_length for line in new_lines), [x for x in new_lines if len(x) > line_length]
    other = '"' if quote == "'" else "'"
    assert f"{quote}scheduler{quote}" in text and f"{other}scheduler{other}" not in text
    assert f"if {quote}scheduler{quote} in ckpt:" in text
