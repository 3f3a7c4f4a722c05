"""The README for users: the rule table lists exactly the registered rules, and its first screen
says what warmlint finds, how to install it, a real `warmlint check` and the two set-up commands."""

import re
import shlex
from pathlib import Path

from conftest import TEXT_LINE
from readme_examples import examples, matches

from warmlint.rule_index import RULE_INFO

README = Path(__file__).resolve().parent.parent / "README.md"
FIRST_SCREEN = 30
SETUP = "pip install torch==2.13.0 && pip install -e '.[verify,plot]' && warmlint check fixtures/"
TESTS = "ruff check . && ruff format --check . && mypy && CI=1 python -m pytest -q -n 2 --dist loadfile"


def first_screen() -> str:
    return "\n".join(README.read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN]) + "\n"


def test_rule_table_matches_the_registry():
    rows = re.findall(r"^\| (WL\d{3}) \| ([a-z0-9-]+) \|", README.read_text(), re.M)
    assert dict(rows) == {code: rule.name for code, rule in RULE_INFO.items()}


def test_the_first_screen_says_what_it_finds_and_how_to_install_it(tmp_path):
    screen = first_screen()
    intro = screen.split("```", 1)[0]
    assert "finds learning-rate warmup and schedule mistakes in PyTorch training scripts" in intro
    blocks = examples(_written(tmp_path, screen))
    installs = [b[0].command for b in blocks if len(b) == 1 and b[0].command.startswith("pip install ")]
    assert any(" && " not in command.split("#")[0] for command in installs), installs  # the one-line install
    commands = [example.command for block in blocks for example in block]
    assert SETUP in commands
    assert any(command.endswith(TESTS) for command in commands)
    assert "--index-url https://download.pytorch.org/whl/cpu" in README.read_text(encoding="utf-8")


def test_the_first_screens_check_example_is_what_check_prints(tmp_path, cli, monkeypatch):
    blocks = examples(_written(tmp_path, first_screen()))
    [example] = [e for block in blocks for e in block if e.shows_output and e.command.startswith("warmlint check ")]
    assert any(TEXT_LINE.match(line) for line in example.expected)
    monkeypatch.chdir(README.parent)
    result = cli(*shlex.split(example.command)[1:], "--no-cache")
    assert matches(example.expected, result.stdout.splitlines()), result.stdout


def test_the_readme_stays_short_and_links_the_pages_that_hold_the_rest():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 270
    docs = README.parent / "docs"
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", text))
    assert linked == {f"docs/{page.name}" for page in docs.glob("*.md")}


def _written(folder: Path, text: str) -> Path:
    path = folder / "screen.md"
    path.write_text(text, encoding="utf-8")
    return path
