"""Every fixture's `# expect:` markers are exactly what `check` reports."""

from __future__ import annotations

import re
import shutil

import pytest
from config_pairs import config_fixture_files, expected_config_markers
from conftest import (
    FIXTURES,
    REPO,
    expected_cell_markers,
    expected_markers,
    fixture_files,
    notebook_fixture_files,
    run_module,
)
from fixture_pairs import FIXED_NAME, fixed_pair
from lanes import fast_share, fixture_kind

from warmlint.engine.lint import check_source

FILES = fixture_files()
NOTEBOOKS = notebook_fixture_files()


def test_there_are_fixtures_with_and_without_markers():
    assert len(FILES) >= 20
    with_markers = [p for p in FILES if expected_markers(p)]
    assert with_markers and len(with_markers) < len(FILES)
    # Folder names say what they contain: clean_* have no markers, wlNNN_* have that code (in
    # train.py; its fixed counterpart is checked below).
    for path in FILES:
        folder = path.parent.name
        codes = {code for _, code in expected_markers(path)}
        if folder.startswith("clean_"):
            assert not codes, path
        elif re.match(r"wl\d{3}_", folder) and path.name != FIXED_NAME:
            assert folder[:5].upper() in codes, path


FIXED_FILES = sorted(FIXTURES.glob(f"*/{FIXED_NAME}"))


@pytest.mark.parametrize("path", fast_share(FIXED_FILES), ids=lambda p: p.parent.name)
def test_fixed_file_is_clean_for_the_codes_its_fix_removed(path):
    """The marker test above holds the fixed file to its markers; this one says which may remain."""
    pair = fixed_pair(path.with_name("train.py"))
    assert pair is not None and pair.fixed_codes
    reported = {d.code for d in check_source(path.read_bytes(), str(path)).diagnostics}
    before = {code for _, code in expected_markers(pair.script)}  # test_fixture_markers holds them to the findings
    # A fix never leaves a warmup without decay behind; one the pitfall already had and no fix
    # could remove (a Lightning run whose length the Trainer decides) may stay.
    assert not reported & (pair.fixed_codes | ({"WL003"} - before)), reported
    assert not {code for _, code in expected_markers(path)} & pair.fixed_codes, "no stale marker"


def test_the_fixture_tree_has_fixed_files():
    """Guards the test above against checking nothing."""
    assert len(FIXED_FILES) >= 40


@pytest.mark.parametrize(
    "path", fast_share(FILES, lambda p: f"{fixture_kind(p)}/{p.name}"), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_fixture_markers(path):
    result = check_source(path.read_bytes(), str(path))
    assert result.error is None
    got = {(d.line, d.code) for d in result.diagnostics}
    assert got == expected_markers(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(FIXTURES)) for p in NOTEBOOKS])
def test_notebook_fixture_markers(path):
    """Notebook markers are compared where diagnostics report them: cell, then line in the cell."""
    assert path.parent.name.startswith("clean_") != bool(expected_cell_markers(path))
    result = check_source(path.read_bytes(), str(path))
    assert result.error is None
    assert {(d.cell, d.line, d.code) for d in result.diagnostics} == expected_cell_markers(path)


def _all_markers() -> set[tuple[str, str, str]]:
    """(path, position, code): the position is `line`, or `cell N:line` in a notebook; YAML and JSON
    configs (tests/config_pairs.py) included."""
    scripts = {(str(p.relative_to(REPO)), str(line), code) for p in FILES for line, code in expected_markers(p)}
    notebooks = {
        (str(p.relative_to(REPO)), f"cell {cell}:{line}", code)
        for p in NOTEBOOKS
        for cell, line, code in expected_cell_markers(p)
    }
    configs = {
        (str(p.relative_to(REPO)), str(line), code)
        for p in config_fixture_files()
        for line, code in expected_config_markers(p)
    }
    return scripts | notebooks | configs


@pytest.mark.slow  # the CLI over the whole tree; each fixture's markers are checked in the fast lane
def test_cli_over_fixture_tree_lists_exactly_the_markers():
    result = run_module("check", "fixtures/", "--no-cache", cwd=REPO)
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stdout + result.stderr
    lines = result.stdout.decode().splitlines()
    reported = set()
    for line in lines[:-1]:
        if line.startswith("    "):  # hint and "no automatic fix" lines
            continue
        match = re.match(r"^(?P<path>[^:]+):(?P<position>(?:cell \d+:)?\d+):(?P<col>\d+): (?P<code>WL\d{3}) ", line)
        assert match, f"unexpected output line: {line!r}"
        reported.add((match["path"], match["position"], match["code"]))
    markers = _all_markers()
    assert reported == markers
    files = {path for path, _, _ in markers}
    assert lines[-1].startswith(f"Found {len(markers)} problems in {len(files)} files")


def test_check_never_executes_user_code(tmp_path):
    folder = tmp_path / "never_executed"
    shutil.copytree(FIXTURES / "never_executed", folder, ignore=shutil.ignore_patterns("EXECUTED", "__pycache__"))
    script = folder / "train.py"
    result = run_module("check", "--no-cache", str(folder))
    assert not (folder / "EXECUTED").exists()
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode()
    line = next(n for n, code in expected_markers(script) if code == "WL001")
    assert f"{script}:{line}:" in out and "WL001" in out
    # The marker file really would be written if the script ran.
    assert "EXECUTED" in script.read_text()
