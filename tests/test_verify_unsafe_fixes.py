"""`verify --unsafe-fixes`: the script is run as `fix --unsafe-fixes` would change it, beside the
run as it is, and the fixes that made the difference are named; the user's file stays as it is."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, run_module

pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # each case runs the script under verify, twice

# A fake warmup: its only fix (WL002) removes the user's LR writes, so it is an unsafe one.
CASE = "wl002_jump_after_warmup"


@pytest.fixture
def script(tmp_path):
    shutil.copytree(FIXTURES / CASE, tmp_path / CASE)
    return tmp_path / CASE / "train.py"


def test_compare_says_only_the_unsafe_fixes_would_change_the_script(script):
    result = run_module("verify", "--compare", "--quiet", "--device", "cpu", str(script), timeout=300)
    assert result.returncode == 1, result.stderr  # the script as it is fails its warmup
    lines = result.stdout.decode().splitlines()
    assert f"warmlint fix would not change {script}, so there is nothing to compare" in lines
    assert "(its unsafe fixes would: add --unsafe-fixes to run them)" in lines


def test_unsafe_fixes_run_the_fixed_script_to_its_end_and_name_the_fixes(script):
    original = script.read_bytes()
    result = run_module(
        "verify",
        "--unsafe-fixes",
        "--steps",
        "1000",
        "--quiet",
        "--device",
        "cpu",
        "--format",
        "json",
        str(script),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unsafe_fixes"] is True and data["fix_changes_script"] is True
    assert data["fixes_applied"] == ["WL002"]
    assert data["before"]["passed"] is False and data["after"]["passed"] is True
    runs = {check["name"]: check["status"] for check in data["after"]["checks"]}
    assert runs["runs"] == "pass" and runs["decay"] == "pass" and runs["warmup"] == "pass"
    assert "finished by itself" in next(c["message"] for c in data["after"]["checks"] if c["name"] == "runs")
    assert script.read_bytes() == original, "the user's file is never changed"
