"""`warmlint fix --apply` keeps a formatted project formatted: over a copy of every fixture and of
the dev corpus, each file `ruff format --check` passed before the fix passes after it, and
`ruff check --select E501` finds no line a fix wrote longer than the project's line length.

The fixtures' `# expect:` markers are test annotations, not code: they are taken out of the copy
(a marker can push a line past the length), and the copy is formatted with `ruff format`. The
copy's root sets no formatter, so ruff's and warmlint's default of 88 applies, except in a
fixture folder with a config of its own (the 79-column project, single quotes).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, run_module
from fixture_pairs import FIXED_NAME, MARKER
from test_corpus import CORPUS

pytestmark = pytest.mark.slow  # two fix runs over the whole tree, and ruff over it

TIMEOUT = 600
REFORMAT = re.compile(r"^Would reformat: (.+)$", re.M)


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )


def unformatted(root: Path) -> set[str]:
    """The Python files of the tree `ruff format --check` would reformat (from its JSON report; a
    ruff too old to have one lists them as `Would reformat: PATH`)."""
    result = ruff("format", "--check", "--no-cache", "--output-format", "json", ".", cwd=root)
    if result.returncode in (0, 1):
        paths = {Path(finding["filename"]).relative_to(root).as_posix() for finding in json.loads(result.stdout)}
    else:
        result = ruff("format", "--check", "--no-cache", ".", cwd=root)
        assert result.returncode in (0, 1), result.stderr
        paths = {Path(p).as_posix() for p in REFORMAT.findall(result.stdout + result.stderr)}
    return {path for path in paths if path.endswith(".py")}


def too_long(root: Path) -> dict[str, set[int]]:
    """E501 findings, at each file's own line length (ruff's hierarchical config), by file."""
    result = ruff("check", "--no-cache", "--select", "E501", "--output-format", "json", ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, set[int]] = {}
    for finding in json.loads(result.stdout):
        path = Path(finding["filename"]).relative_to(root).as_posix()
        found.setdefault(path, set()).add(finding["location"]["row"])
    return found


def written_lines(before: str, after: str) -> set[int]:
    """The 1-based lines of `after` that a fix wrote (inserted or changed), leaving out a line that
    holds only the user's own text (a long string of theirs, on a line of its own once broken)."""
    lines = after.splitlines()
    matcher = difflib.SequenceMatcher(None, before.splitlines(), lines, autojunk=False)
    changed = {j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("replace", "insert") for j in range(j1, j2)}
    return {j + 1 for j in changed if lines[j].strip().rstrip(",") not in before}


def python_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formatted")
    for script in sorted(FIXTURES.glob("*/*.py")):
        if script.name == FIXED_NAME:
            continue
        target = root / "fixtures" / script.parent.name / script.name
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = script.read_text(encoding="utf-8").split("\n")
        target.write_text("\n".join(MARKER.sub("", line) for line in lines), encoding="utf-8")
        for config in ("pyproject.toml", "ruff.toml", ".ruff.toml"):
            if (script.parent / config).is_file():
                shutil.copyfile(script.parent / config, target.parent / config)
    (root / "pyproject.toml").write_text("")  # the defaults, whatever lies above the copy
    # The fixtures are written for the tests, not formatted: formatted first, every one of them is
    # a formatted file to keep formatted (the corpus is taken as it is, formatted or not).
    assert ruff("format", "--no-cache", "fixtures", cwd=root).returncode == 0
    if CORPUS is not None:
        shutil.copytree(CORPUS, root / "corpus", ignore=shutil.ignore_patterns("*.ipynb", "*.json", "*.y*ml"))
    return root


@pytest.mark.parametrize("flags", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_fix_keeps_formatted_files_formatted(tree: Path, tmp_path: Path, flags: tuple[str, ...]) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree, root)
    before = python_files(root)
    formatted = set(before) - unformatted(root)
    assert len([p for p in formatted if p.startswith("fixtures/")]) >= 100, "the check has formatted files to keep"
    assert len(formatted) < len(before), "ruff's report is read: some of the tree is not formatted"

    result = run_module("fix", "--apply", *flags, ".", cwd=root, timeout=TIMEOUT)
    assert result.returncode in (0, 1), result.stderr
    after = python_files(root)
    changed = {path for path in before if after[path] != before[path]}
    assert changed & formatted, "some formatted files get fixed"

    broken = sorted(changed & formatted & unformatted(root))
    assert not broken, f"`ruff format --check` passed before the fix and fails after it: {broken}"
    long_lines = too_long(root)
    for path in sorted(changed):
        long_written = long_lines.get(path, set()) & written_lines(before[path], after[path])
        assert not long_written, f"{path}: lines a fix wrote are too long: {sorted(long_written)}"
