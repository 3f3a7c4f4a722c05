"""The WL008 fix loads the scheduler's state only where the checkpoint has it: the fixed script
resumes from a checkpoint written before the fix (no scheduler key) without a KeyError, and the
checkpoint it writes then holds the scheduler's state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # runs torch scripts

CASE = FIXTURES / "wl008_resume_old_checkpoint"
GUARD = '    if "scheduler" in ckpt:\n        scheduler.load_state_dict(ckpt["scheduler"])\n'


def old_checkpoint(path: Path) -> None:
    """What the script wrote before the fix, 50 steps into the run: no scheduler state."""
    model = torch.nn.Linear(8, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-3, total_steps=200)
    for _ in range(50):
        optimizer.step()
        scheduler.step()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": 50}, path)


def python(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_fixed_script_resumes_from_a_checkpoint_without_the_scheduler(tmp_path: Path) -> None:
    fixed = (CASE / "train.fixed.py").read_text()
    assert GUARD in fixed, "the fixed file guards the load"
    (tmp_path / "train.py").write_text(fixed)
    (tmp_path / "unguarded.py").write_text(fixed.replace(GUARD, GUARD.replace("    if", "    if True:  #", 1)))
    old_checkpoint(tmp_path / "old.pt")

    # Without the guard, the load the fix adds fails on the old checkpoint...
    unguarded = python("unguarded.py", "old.pt", cwd=tmp_path)
    assert unguarded.returncode != 0 and "KeyError: 'scheduler'" in unguarded.stderr
    # ...with it, the run resumes at step 50, finishes, and saves the scheduler's state, at the
    # end of the cycle.
    resumed = python("train.py", "old.pt", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("step 200,")
    saved = torch.load(tmp_path / "old.pt")
    assert sorted(saved) == ["model", "optimizer", "scheduler", "step"]
    assert saved["scheduler"]["last_epoch"] == 200 - 50  # a new OneCycleLR, stepped from the resumed step
