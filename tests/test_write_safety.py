"""`fix --apply` never loses a byte: killed, interrupted, racing another run or an editor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_bytes
from warmlint.files.safe_write import (
    STALE_AFTER_SECONDS,
    TEMP_SUFFIX,
    FileChangedError,
    remove_stale_temporaries,
    write_atomic,
)

ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))  # the unsafe fixes too
ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "fixtures" / name / "train.py"
    for name in (
        "wl001_literal_sgd",
        "wl002_branch_in_loop",
        "wl003_lambda_min",
        "wl005_same_iteration",
        "wl006_onecycle_forgotten",
        "wl008_torch_save_dict",
    )
]


@pytest.fixture(scope="module")
def expected() -> dict[bytes, bytes]:
    """Original bytes -> the bytes a complete fix writes."""
    pairs = {}
    for source in SOURCES:
        original = source.read_bytes()
        fixed = fix_bytes(original, "train.py", ALL_FIXES).fixed
        assert fixed != original, f"{source.parent.name} has nothing to fix"
        pairs[original] = fixed
    return pairs


def make_tree(root: Path, copies: int) -> dict[Path, bytes]:
    tree = {}
    for index in range(copies):
        source = SOURCES[index % len(SOURCES)]
        path = root / f"pkg{index % 4}" / f"train_{index:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
        tree[path] = source.read_bytes()
    return tree


# `warmlint fix --apply` whose every fsync takes a while: a temporary file then exists long
# enough for a test to see it and kill the process before it is renamed into place.
SLOW_FSYNC = (
    "import os, sys, time\n"
    "real_fsync = os.fsync\n"
    "os.fsync = lambda fd: (time.sleep(0.5), real_fsync(fd))[1]\n"
    "from warmlint.cli import main\n"
    "main(sys.argv[1:], prog_name='warmlint')\n"
)


def start_fix(root: Path, slow_writes: bool = False) -> subprocess.Popen:
    program = ["-c", SLOW_FSYNC] if slow_writes else ["-m", "warmlint"]
    return subprocess.Popen(
        [sys.executable, *program, "fix", "--apply", "--unsafe-fixes", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_a_temporary(root: Path, process: subprocess.Popen) -> bool:
    """True once a temporary file exists next to some file being fixed; False if the run ended first."""
    while process.poll() is None:
        if temporaries(root):
            return True
        time.sleep(0.002)
    return False


def wait_until_some_written(tree: dict[Path, bytes], process: subprocess.Popen) -> None:
    while process.poll() is None and all(path.read_bytes() == original for path, original in tree.items()):
        time.sleep(0.005)


def states(tree: dict[Path, bytes], expected: dict[bytes, bytes]) -> list[str]:
    """For each file: 'old', 'new', or 'MIXED' (anything else)."""
    found = []
    for path, original in tree.items():
        now = path.read_bytes()
        found.append("old" if now == original else "new" if now == expected[original] else "MIXED")
    return found


def temporaries(root: Path) -> list[Path]:
    return sorted(root.rglob(f"*{TEMP_SUFFIX}"))


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_finishes_the_file_being_written_then_stops(tmp_path, expected, stop):
    tree = make_tree(tmp_path, 120)
    process = start_fix(tmp_path)
    wait_until_some_written(tree, process)
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    found = states(tree, expected)
    assert "MIXED" not in found
    assert temporaries(tmp_path) == []
    assert "Traceback" not in err
    assert "old" in found, "the signal came after the first write, with 100+ files still to do"
    assert process.returncode == 128 + stop, err
    assert f"interrupted by {signal.Signals(stop).name} after" in err
    assert "each file is either unchanged or completely fixed" in err


@pytest.mark.slow
@pytest.mark.parametrize("files_written_first", [0, 3])
def test_sigkill_mid_write_leaves_each_file_old_or_new_and_the_next_run_cleans_up(
    tmp_path, expected, files_written_first
):
    tree = make_tree(tmp_path, 40)
    process = start_fix(tmp_path, slow_writes=True)
    for _ in range(files_written_first + 1):
        while temporaries(tmp_path) and process.poll() is None:  # let the write in progress finish
            time.sleep(0.002)
        assert wait_for_a_temporary(tmp_path, process), "the run ended before writing a file"
    process.kill()
    process.communicate(timeout=30)
    stranded = temporaries(tmp_path)
    assert stranded, "the kill landed while a temporary file existed"
    assert "MIXED" not in states(tree, expected)
    for leftover in stranded:  # only a kill between mkstemp and os.replace strands one
        assert leftover.name.startswith(".train_") and leftover.name.endswith(TEMP_SUFFIX)
        past = time.time() - STALE_AFTER_SECONDS - 1
        os.utime(leftover, (past, past))
    again = start_fix(tmp_path)
    again.communicate(timeout=120)
    assert again.returncode == 0
    assert set(states(tree, expected)) == {"new"}
    assert temporaries(tmp_path) == []


@pytest.mark.slow
def test_two_runs_at_once_fix_everything_and_corrupt_nothing(tmp_path, expected):
    tree = make_tree(tmp_path, 60)
    first, second = start_fix(tmp_path), start_fix(tmp_path)
    results = [process.communicate(timeout=180) for process in (first, second)]
    for process, (_, err) in zip((first, second), results):
        assert process.returncode == 0, err
        assert "error" not in err
    assert set(states(tree, expected)) == {"new"}
    assert temporaries(tmp_path) == []


def test_a_file_edited_after_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "train.py"
    path.write_bytes(b"edited in the editor\n")
    with pytest.raises(FileChangedError, match="changed while it was being fixed"):
        write_atomic(path, b"fixed\n", expected=b"what warmlint read\n")
    assert path.read_bytes() == b"edited in the editor\n"
    assert write_atomic(path, b"edited in the editor\n", expected=b"anything") is False  # already there
    assert write_atomic(path, b"fixed\n", expected=b"edited in the editor\n") is True
    assert path.read_bytes() == b"fixed\n"
    assert temporaries(tmp_path) == []


def test_only_stale_temporaries_of_that_file_are_removed(tmp_path):
    path = tmp_path / "train.py"
    path.write_text("x = 1\n")
    stale = tmp_path / f".train.py.abc123{TEMP_SUFFIX}"
    fresh = tmp_path / f".train.py.def456{TEMP_SUFFIX}"  # may belong to a run writing right now
    other = tmp_path / f".eval.py.abc123{TEMP_SUFFIX}"
    for leftover in (stale, fresh, other):
        leftover.write_text("partial")
    past = time.time() - STALE_AFTER_SECONDS - 1
    for leftover in (stale, other):
        os.utime(leftover, (past, past))
    assert remove_stale_temporaries(path) == 1
    assert not stale.exists() and fresh.exists() and other.exists()
