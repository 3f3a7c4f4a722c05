"""ruff's habits on `warmlint check`: --fix, --diff, --watch, concise and full output, --color,
and a hint naming warmlint's way for a ruff option it spells differently."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from conftest import ANSI, FIXTURES, HIGH_SGD, LOW_SGD, TEXT_LINE, write

from warmlint.cli import main
from warmlint.cli.ruff_options import CHECK_EQUIVALENTS, FIX_EQUIVALENTS

UNSAFE_ONLY = FIXTURES / "wl005_same_iteration" / "train.py"  # its one fix moves a line
FIXABLE = (FIXTURES / "wl001_literal_sgd" / "train.py").read_text(encoding="utf-8")  # one safe fix


def _copies(folder: Path, source: str | bytes, *names: str) -> list[Path]:
    return [write(folder, name, source) for name in names]


# ---- --fix and --diff ------------------------------------------------------------


def test_check_fix_writes_what_fix_apply_writes(cli, in_tmp):
    by_check, by_fix = _copies(in_tmp, FIXABLE, "a/train.py", "b/train.py")
    checked = cli("check", "--fix", str(by_check))
    fixed = cli("fix", "--apply", str(by_fix))
    assert checked.exit_code == fixed.exit_code == 0
    assert by_check.read_text() == by_fix.read_text() != FIXABLE
    assert "LambdaLR" in by_check.read_text()
    assert checked.stdout.replace("a/", "b/") == fixed.stdout == "Fixed 1 problem in 1 file.\n"


def test_check_fix_makes_unsafe_fixes_only_with_unsafe_fixes(cli, in_tmp):
    original = UNSAFE_ONLY.read_bytes()
    script = write(in_tmp, "train.py", original)
    safe_only = cli("check", "--fix", "train.py")
    assert safe_only.exit_code == 1 and script.read_bytes() == original
    assert "1 unsafe fix not applied (add --unsafe-fixes)" in safe_only.stdout
    unsafe = cli("check", "--fix", "--unsafe-fixes", "train.py")
    assert unsafe.exit_code == 0 and script.read_bytes() != original
    assert cli("check", "train.py").exit_code == 0


def test_check_diff_shows_the_fix_and_writes_nothing(cli, in_tmp):
    script = write(in_tmp, "train.py", FIXABLE)
    shown = cli("check", "--diff", "train.py")
    assert shown.exit_code == 1 and script.read_text() == FIXABLE
    assert shown.stdout == cli("fix", "train.py").stdout
    assert shown.stdout.startswith("--- a/train.py\n+++ b/train.py\n")
    assert "+scheduler = torch.optim.lr_scheduler.LambdaLR(" in shown.stdout
    # --diff wins over --fix, as in ruff: shown, not written.
    assert cli("check", "--fix", "--diff", "train.py").stdout == shown.stdout
    assert script.read_text() == FIXABLE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unsafe-fixes"], "--unsafe-fixes goes with --fix or --diff"),
        (["--fix", "--format", "json"], "--fix and --diff print text to stdout"),
        (["--fix", "--statistics"], "--fix and --statistics cannot be combined"),
        (["--watch", "--add-noqa"], "--watch and --add-noqa cannot be combined"),
        (["--watch", "-"], "--watch checks files, not stdin"),
    ],
)
def test_modes_that_do_not_go_together_are_a_usage_error(cli, in_tmp, args, message):
    write(in_tmp, "train.py", HIGH_SGD)
    result = cli("check", *args, *([] if "-" in args else ["train.py"]))
    assert result.exit_code == 2
    assert message in result.stderr
    assert (in_tmp / "train.py").read_text() == HIGH_SGD


# ---- --output-format concise | full --------------------------------------------


def test_concise_prints_one_line_per_finding_and_the_summary(cli, in_tmp):
    write(in_tmp, "a.py", HIGH_SGD)
    write(in_tmp, "b.py", "\n" + HIGH_SGD)
    text = cli("check", ".").stdout.splitlines()
    concise = cli("check", "--output-format", "concise", ".").stdout.splitlines()
    assert [line for line in text if TEXT_LINE.match(line)] == concise[:-1]
    assert len(concise) == 3 and all(TEXT_LINE.match(line) for line in concise[:2])
    assert concise[-1] == text[-1] == "Found 2 problems in 2 files."


def test_full_shows_the_flagged_line_with_carets_under_the_finding(cli, in_tmp):
    source = "import torch\nif True:\n\topt = torch.optim.SGD(m.parameters(), lr=0.1)\nfor b in loader:\n  opt.step()\n"
    write(in_tmp, "train.py", source)
    lines = cli("check", "--output-format", "full", "train.py").stdout.splitlines()
    match = TEXT_LINE.match(lines[0])
    assert match and match["code"] == "WL001"
    column = int(match["col"])
    assert lines[1] == "  3 | " + source.splitlines()[2].expandtabs(1)
    caret_line = lines[2]
    assert caret_line.startswith("    | ")
    carets = caret_line[len("    | ") :]
    assert carets.strip("^").strip() == "" and carets.index("^") == column - 1
    # The carets cover the flagged call, which ends at the line's closing parenthesis.
    assert len(carets) == len(lines[1]) - len("  3 | ")
    assert lines[3].startswith("    hint: ")


def test_full_on_a_notebook_shows_the_cells_line(cli):
    notebook = FIXTURES / "wl001_notebook_sgd" / "train.ipynb"
    lines = cli("check", "--output-format", "full", str(notebook)).stdout.splitlines()
    assert ":cell 3:9:13: WL001" in lines[0]
    assert lines[1].startswith("  9 | ") and "torch.optim.SGD(" in lines[1]


# ---- --color and NO_COLOR ------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("auto", {"FORCE_COLOR": "1"}, True),
        (None, {"NO_COLOR": "1"}, False),
        (None, {}, False),  # not a terminal
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        pytest.param(["check", "--diff"], marks=pytest.mark.slow),
        pytest.param(["fix"], marks=pytest.mark.slow),
    ],
)
def test_color_flag_beats_the_environment(cli, in_tmp, monkeypatch, flag, env, coloured, command):
    write(in_tmp, "train.py", FIXABLE)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    result = cli(*command, *(["--color", flag] if flag else []), "train.py", env=env)  # stdout is no terminal
    assert result.exit_code == 1, result.stderr
    assert (ANSI in result.stdout) is coloured, result.stdout
    assert click.unstyle(result.stdout) != ""


def test_an_unknown_color_is_a_usage_error(cli, in_tmp):
    result = cli("check", "--color", "sometimes", ".")
    assert result.exit_code == 2 and "'sometimes' is not one of 'auto', 'always', 'never'" in result.stderr


# ---- ruff's options --------------------------------------------------------------------


def _option_names(command: click.Command) -> set[str]:
    return {name for parameter in command.params for name in getattr(parameter, "opts", [])}


@pytest.mark.parametrize(("command", "table"), [("check", CHECK_EQUIVALENTS), ("fix", FIX_EQUIVALENTS)])
def test_the_hinted_options_are_not_warmlint_options(command, table):
    with click.Context(main) as context:
        real = _option_names(main.get_command(context, command))
        anywhere = real | {
            name for other in ("check", "fix") for name in _option_names(main.get_command(context, other))
        }
    assert not set(table) & real
    # The hints name options that do exist.
    for hint in table.values():
        for named in re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", hint):
            assert named in anywhere, (hint, named)


@pytest.mark.parametrize("option", sorted(CHECK_EQUIVALENTS))
def test_a_ruff_option_on_check_gets_warmlints_equivalent(cli, in_tmp, option):
    write(in_tmp, "train.py", HIGH_SGD)
    result = cli("check", option, "train.py")
    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert last == f"Error: No such option '{option}' (that is ruff's; in warmlint: {CHECK_EQUIVALENTS[option]})"


@pytest.mark.parametrize("option", ["--fix", "--diff", "--fix-only"])
def test_a_ruff_option_on_fix_gets_warmlints_equivalent(cli, in_tmp, option):
    write(in_tmp, "train.py", HIGH_SGD)
    result = cli("fix", option, "train.py")
    assert result.exit_code == 2 and FIX_EQUIVALENTS[option] in result.stderr
    assert (in_tmp / "train.py").read_text() == HIGH_SGD


def test_an_option_no_one_has_keeps_clicks_message(cli, in_tmp):
    result = cli("check", "--no-such-thing", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: No such option '--no-such-thing'. Did you mean")


def test_a_ruff_option_given_with_a_value_is_hinted_too(cli, in_tmp):
    result = cli("check", "--exclude=legacy", ".")
    assert result.exit_code == 2 and CHECK_EQUIVALENTS["--exclude"] in result.stderr


# ---- --watch ---------------------------------------------------------------------------


def _read_until(process: subprocess.Popen, pattern: str, seen: list[str], timeout: float = 60) -> None:
    """Read the merged output line by line until a line matches `pattern`."""
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip("\n"))
        if re.search(pattern, seen[-1]):
            return
    raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(seen))


@pytest.mark.slow  # a watching subprocess, modified and stopped
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_watch_checks_again_when_a_file_changes_and_stops_cleanly(tmp_path, stop):
    write(tmp_path, "clean.py", LOW_SGD)
    write(tmp_path, "keep.py", HIGH_SGD)
    environment = {**os.environ, "NO_COLOR": "1", "WARMLINT_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "warmlint", "check", "--watch", "--output-format", "concise", "."],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    try:
        _read_until(process, r"Watching for file changes", seen)
        assert "Found 1 problem in 1 file" in "\n".join(seen)
        time.sleep(1.1)  # a new modification time even on coarse file systems
        write(tmp_path, "clean.py", HIGH_SGD + "# now flagged\n")
        _read_until(process, r"File change detected: clean\.py", seen)
        _read_until(process, r"^Found ", seen)
        assert seen[-1] == "Found 2 problems in 2 files."
        assert any(line.startswith("clean.py:2:7: WL001") for line in seen)
        # A new file counts as a change too.
        shutil.copy(tmp_path / "keep.py", tmp_path / "new.py")
        _read_until(process, r"File change detected: new\.py", seen)
        _read_until(process, r"Watching for file changes", seen)
        assert "Found 3 problems in 3 files" in "\n".join(seen[-3:])
        assert (tmp_path / "cache").is_dir()  # re-checks answer unchanged files from the cache
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "Traceback" not in "\n".join(seen) + rest
    assert rest.strip().endswith("Stopped watching.")


def test_full_on_stdin_shows_the_line_it_read(cli, in_tmp):
    result = cli("check", "--output-format", "full", "--stdin-filename", "x.py", input=HIGH_SGD)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1 and lines[0].startswith("x.py:2:7: WL001")
    assert lines[1] == "  2 | " + HIGH_SGD.splitlines()[1]
