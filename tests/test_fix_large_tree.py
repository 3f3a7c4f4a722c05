"""`warmlint fix --apply` over a copy of a large real tree: the dev corpus (real training code,
which has little to fix) with the pitfall fixtures planted in it (which have something to fix).

Every file it changes compiles, re-checking it finds none of the codes fixed in it and no WL003,
every file with nothing fixable stays byte-identical, and a second run changes nothing.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES, run_module
from test_corpus import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CORPUS is None, reason="the dev corpus is not on this machine")]

TIMEOUT = 600  # seconds for one CLI run over the whole tree on a loaded 2-core machine


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def findings(root: Path) -> dict[str, list[dict]]:
    """`check --format json` over the tree, by path relative to it."""
    result = run_module("check", "--no-cache", "--format", "json", ".", cwd=root, timeout=TIMEOUT)
    assert result.returncode in (0, 1), result.stderr
    by_path: dict[str, list[dict]] = defaultdict(list)
    for finding in json.loads(result.stdout):
        by_path[finding["path"]].append(finding)
    return by_path


def fix(root: Path, *flags: str) -> None:
    result = run_module("fix", "--apply", *flags, ".", cwd=root, timeout=TIMEOUT)
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stdout + result.stderr


def compiles(path: Path) -> None:
    if path.suffix == ".ipynb":
        json.loads(path.read_bytes())  # a notebook stays a notebook; its cells are re-checked below
    else:
        compile(path.read_bytes(), str(path), "exec")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    assert CORPUS is not None
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(CORPUS, root / "corpus")
    for script in sorted(FIXTURES.glob("wl[0-9][0-9][0-9]_*/train.*")):
        if ".fixed" not in script.suffixes:
            target = root / "planted" / script.parent.name / script.name
            target.parent.mkdir(parents=True)
            shutil.copyfile(script, target)
    (root / "pyproject.toml").write_text("")  # the defaults, whatever lies above the copy
    return root


@pytest.mark.parametrize("flags", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_fix_over_a_large_real_tree(tree: Path, tmp_path: Path, flags: tuple[str, ...]) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree, root)
    fixable_safety = {"safe", "unsafe"} if flags else {"safe"}
    before = snapshot(root)
    checked = findings(root)
    fixable = {path for path, found in checked.items() if any(f["fix_safety"] in fixable_safety for f in found)}

    fix(root, *flags)
    after = snapshot(root)
    assert after.keys() == before.keys(), "no file is created or removed"
    changed = {path for path in before if after[path] != before[path]}
    assert changed, "the planted fixtures get fixed"
    assert changed <= fixable, "a file with nothing fixable stays byte-identical"

    rechecked = findings(root)
    for path in sorted(changed):
        compiles(root / path)
        fixed_codes = {f["code"] for f in checked[path] if f["fix_safety"] in fixable_safety}
        left = {f["code"] for f in rechecked.get(path, [])}
        # No fix leaves a warmup without decay behind; one no fix could remove may stay.
        new_wl003 = {"WL003"} - {f["code"] for f in checked[path]}
        assert not left & (fixed_codes | new_wl003), f"{path}: {sorted(left)} left after fixing {sorted(fixed_codes)}"

    fix(root, *flags)
    assert snapshot(root) == after, "a second run changes nothing"
