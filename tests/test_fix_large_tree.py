"""`warmlint fix --apply` over a copy of a large real tree: the dev corpus (real training code,
which has little to fix) with the pitfall fixtures planted in it (which have something to fix).

Every file it changes compiles, re-checking it finds none of the codes fixed in it and no WL003,
keeps the run it fixes (the LR each optimizer trains at and the run length, read from the
schedule model before and after), every file with nothing fixable stays byte-identical, and a
second run changes nothing.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES, model_of, run_module
from ruamel.yaml import YAML
from test_corpus import CORPUS

from warmlint.analysis.lr_schedule import schedule_of

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
        keeps_the_run(path, before[path], after[path])
        fixed_codes = {f["code"] for f in checked[path] if f["fix_safety"] in fixable_safety}
        left = {f["code"] for f in rechecked.get(path, [])}
        # No fix leaves a warmup without decay behind; one no fix could remove may stay.
        new_wl003 = {"WL003"} - {f["code"] for f in checked[path]}
        assert not left & (fixed_codes | new_wl003), f"{path}: {sorted(left)} left after fixing {sorted(fixed_codes)}"

    fix(root, *flags)
    assert snapshot(root) == after, "a second run changes nothing"
