"""`warmlint fix --apply` over a copy of a large real tree: the dev corpus (real training code,
which has little to fix) with every fixture folder planted in it (the pitfalls have something to
fix).

Every file it changes still parses, re-checking it finds none of the codes fixed in it and no
WL003, keeps the run it fixes (the LR each optimizer trains at and the run length, read from the
schedule model before and after), every file with nothing fixable stays byte-identical, and a
second run changes nothing. It keeps a formatted project formatted: each Python file `ruff
format --check` passed before the fix passes after it, and `ruff check --select E501` finds no
line a fix wrote longer than the file's line length.

The fixtures' `# expect:` markers are test annotations, not code: they are taken out of the
planted copies (a marker can push a line past the length), which are formatted with `ruff
format`. The tree's root sets no formatter, so ruff's and warmlint's default of 88 applies, except
in a fixture folder with a config of its own (the 79-column project, single quotes).
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURES, model_of, run_module
from fixture_pairs import MARKER
from ruamel.yaml import YAML
from test_corpus import CORPUS

from warmlint.analysis.lr_schedule import schedule_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CORPUS is None, reason="the dev corpus is not on this machine"),
]

TIMEOUT = 600  # seconds for one CLI run over the whole tree on a loaded 2-core machine


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def findings(root: Path, paths: Iterable[str] = (".",)) -> dict[str, list[dict]]:
    """`check --format json` over the tree (or these paths in it), by path relative to it."""
    result = run_module("check", "--no-cache", "--format", "json", *paths, cwd=root, timeout=TIMEOUT)
    assert result.returncode in (0, 1), result.stderr + result.stdout[-2000:]
    by_path: dict[str, list[dict]] = defaultdict(list)
    for finding in json.loads(result.stdout):
        by_path[finding["path"]].append(finding)
    return by_path


def fix(root: Path, *flags: str, paths: Iterable[str] = (".",)) -> None:
    result = run_module("fix", "--apply", *flags, *paths, cwd=root, timeout=TIMEOUT)
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stdout + result.stderr


def runs(source: bytes) -> list[tuple[str, float | None, float | None]]:
    """(optimizer, the LR it trains at after its warmup, T) of every training run in a file."""
    model = model_of(source.decode("utf-8"))
    found = []
    for optimizer in model.optimizers:
        if optimizer.lifetime.is_training_run:
            schedule = schedule_of(model, optimizer)
            target = schedule.target.value if schedule.target is not None else None
            total = schedule.total.value if schedule.total is not None else None
            found.append((optimizer.short_name, target, total))
    return found


def keeps_the_run(path: str, before: bytes, after: bytes) -> None:
    if not path.endswith(".py"):
        return  # a notebook's cells are checked by tests/test_notebooks.py
    old, new = runs(before), runs(after)
    assert [name for name, _, _ in new] == [name for name, _, _ in old], path
    for (name, target, total), (_, fixed_target, fixed_total) in zip(old, new):
        if target is not None:
            assert fixed_target == target, f"{path}: {name} trained at {target:g}, after the fix at {fixed_target}"
        if total is not None:
            assert fixed_total == total, f"{path}: the run of {name} took {total:g} steps, after the fix {fixed_total}"


def compiles(path: Path) -> None:
    """A fixed file still parses as what it is: Python, a notebook or a config."""
    if path.suffix in (".ipynb", ".json"):
        json.loads(path.read_bytes())  # a notebook stays a notebook; its cells are re-checked below
    elif path.suffix in (".yaml", ".yml"):
        YAML(typ="safe").load(path.read_bytes())
    else:
        compile(path.read_bytes(), str(path), "exec")


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )


def unformatted(root: Path) -> set[str]:
    """The Python files of the tree `ruff format --check` would reformat, from its JSON report (exit
    2 where some file does not parse: the planted syntax-error fixture)."""
    result = ruff("format", "--check", "--no-cache", "--output-format", "json", ".", cwd=root)
    assert result.returncode in (0, 1, 2), result.stderr
    report = json.loads(result.stdout)
    paths = {Path(item["filename"]).relative_to(root).as_posix() for item in report if item["name"] == "unformatted"}
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


def written_lines(before: bytes, after: bytes) -> set[int]:
    """The 1-based lines of `after` that a fix wrote (inserted or changed), leaving out a line that
    holds only the user's own text (a long string of theirs, on a line of its own once broken)."""
    old, lines = before.decode("utf-8"), after.decode("utf-8").splitlines()
    matcher = difflib.SequenceMatcher(None, old.splitlines(), lines, autojunk=False)
    changed = {j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("replace", "insert") for j in range(j1, j2)}
    return {j + 1 for j in changed if lines[j].strip().rstrip(",") not in old}


@dataclass(frozen=True)
class Tree:
    root: Path
    findings: dict[str, list[dict]]  # what `check` finds before any fix
    unformatted: set[str]  # the Python files `ruff format --check` fails before any fix


@pytest.fixture(scope="session")
def tree(tmp_path_factory) -> Tree:
    assert CORPUS is not None
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(CORPUS, root / "corpus")
    for source in sorted(FIXTURES.glob("*/*")):
        if ".fixed" in source.suffixes or source.suffix == ".expect" or not source.is_file():
            continue
        target = root / "planted" / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".py":
            lines = source.read_text(encoding="utf-8").split("\n")
            target.write_text("\n".join(MARKER.sub("", line) for line in lines), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    (root / "pyproject.toml").write_text("")  # the defaults, whatever lies above the copy
    # The fixtures are written for the tests, not formatted: formatted first, every one of them is
    # a formatted file to keep formatted (the corpus is taken as it is, formatted or not).
    assert ruff("format", "--no-cache", "planted", cwd=root).returncode == 0
    return Tree(root, findings(root), unformatted(root))


# The unsafe run makes the safe fixes too, over the whole tree; the safe run, which must leave
# every file with only unsafe fixes alone, is held to that over the planted fixtures.
@pytest.mark.parametrize(
    ("flags", "scope"), [((), "planted"), (("--unsafe-fixes",), ".")], ids=["safe-planted", "unsafe"]
)
def test_fix_over_a_large_real_tree(tree: Tree, tmp_path: Path, flags: tuple[str, ...], scope: str) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree.root, root)
    fixable_safety = {"safe", "unsafe"} if flags else {"safe"}
    before = snapshot(root)
    checked = tree.findings
    formatted = {path for path in before if path.endswith(".py")} - tree.unformatted
    assert len([p for p in formatted if p.startswith("planted/")]) >= 100, "the check has formatted files to keep"
    assert len(formatted) < len([p for p in before if p.endswith(".py")]), "ruff's report is read"
    fixable = {
        path
        for path, found in checked.items()
        if path.startswith(scope.lstrip(".")) and any(f["fix_safety"] in fixable_safety for f in found)
    }

    fix(root, *flags, paths=(scope,))
    after = snapshot(root)
    assert after.keys() == before.keys(), "no file is created or removed"
    changed = {path for path in before if after[path] != before[path]}
    assert changed, "the planted fixtures get fixed"
    assert changed <= fixable, "a file with nothing fixable stays byte-identical"

    # Only the changed files are checked and fixed again: every other file holds the bytes the
    # first run read, and fix is a function of a file's bytes and settings.
    rechecked = findings(root, sorted(changed))
    assert rechecked.keys() <= changed, "check reports the paths it was given"
    for path in sorted(changed):
        compiles(root / path)
        keeps_the_run(path, before[path], after[path])
        fixed_codes = {f["code"] for f in checked[path] if f["fix_safety"] in fixable_safety}
        left = {f["code"] for f in rechecked.get(path, [])}
        # No fix leaves a warmup without decay behind; one no fix could remove may stay.
        new_wl003 = {"WL003"} - {f["code"] for f in checked[path]}
        assert not left & (fixed_codes | new_wl003), f"{path}: {sorted(left)} left after fixing {sorted(fixed_codes)}"

    assert changed & formatted, "some formatted files get fixed"
    broken = sorted(changed & formatted & unformatted(root))
    assert not broken, f"`ruff format --check` passed before the fix and fails after it: {broken}"
    long_lines = too_long(root)
    for path in sorted(p for p in changed if p.endswith(".py")):
        long_written = long_lines.get(path, set()) & written_lines(before[path], after[path])
        assert not long_written, f"{path}: lines a fix wrote are too long: {sorted(long_written)}"

    fix(root, *flags, paths=sorted(changed))
    assert snapshot(root) == after, "a second run changes nothing"
