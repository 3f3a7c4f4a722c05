"""Child side of the live progress: after optimizer steps, keep the latest step and LR in the progress file.

Writes a few times a second at most, whatever the step rate, and only from the process that runs
the script as rank 0 (or unlaunched), so several ranks never fight over one file.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

from torch.optim import Optimizer
from torch.optim.optimizer import register_optimizer_step_pre_hook

from warmlint.verify.child.hints import collect_hints
from warmlint.verify.child.horizon import RunTotal, infer_run_length
from warmlint.verify.child.recorder import Recorder
from warmlint.verify.progress import WRITE_INTERVAL_SECONDS, Progress, Throttle, write_progress


def report_progress(
    recorder: Recorder, path: Path, total_steps: int | None = None, script_length: RunTotal | None = None
) -> None:
    """Call after ``recorder.install()``: its pre-step hook runs first, so the step being taken is counted.
    `total_steps` (--total-steps) and `script_length` (read statically) are the run's length when known;
    otherwise the script's variables at its first step may give it."""
    if os.environ.get("RANK", "0") != "0":
        return
    throttle = Throttle(WRITE_INTERVAL_SECONDS)
    owner = os.getpid()
    expected: list[int | None] = []  # found at the first step, once

    def after_count(optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        if recorder.optimizer_index(optimizer) != 0 or os.getpid() != owner:
            return
        step = recorder.optimizer_steps[0]
        if not expected:
            hints = collect_hints(sys._getframe(1), recorder.script_path)
            length = infer_run_length(total_steps, None, hints, [], script_length).total_steps
            expected.append(min(recorder.steps_limit, length) if length else None)
        if step < recorder.steps_limit and not throttle.ready():  # the last step is always written
            return
        lrs = recorder.lr_history[0][-1]
        try:
            write_progress(path, Progress(step, lrs[0] if lrs else math.nan, expected[0]))
        except OSError:  # progress is a courtesy: never let it break the run
            pass

    register_optimizer_step_pre_hook(after_count)
