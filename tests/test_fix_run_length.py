"""The schedule `fix` inserts is as long as the run: on generated scripts (tests/scriptgen.py) with a
planted WL001, WL002 or WL003, the `T` written in the fixed file is the number of optimizer steps
the script really takes, and the schedule reaches its minimum exactly there.

Each example runs the fixed script to its end under `verify` (the generated loops are tiny: 3
epochs of 8 batches, or 40 steps), which records the LR of every optimizer step and the length the
inserted LambdaLR was built for, read from its lambda.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from scriptgen import ALL_FIXES, HORIZONS, MANUAL, PATH, TRAINERS, Plan, Renderer, Script, plans

from warmlint.engine.fixer import fix_bytes

pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # every example runs a script under verify

from warmlint.verify import verify  # noqa: E402

# The fixes that insert the warmup-then-cosine LambdaLR, and what each needs planted.
INSERTING = {"WL001", "WL002", "WL003"}
SCHEDULES = ("none", "lambda_constant", "lambda_warmup", "def_constant", "def_warmup", "linear_alone")
HIGH_LRS = ("0.1", "0.5")  # high for every family without a schedule
RUN_CAP = 1_000  # well above the longest generated run (3 epochs of 8 batches, or 40 steps)


@st.composite
def runnable_scripts(draw) -> tuple[Plan, Script]:
    """A generated script that runs with torch alone (no transformers, no tqdm) and has one of
    the mistakes whose fix inserts a schedule; with the plan it was made from."""
    plan = replace(
        draw(plans()),
        schedule=draw(st.sampled_from(SCHEDULES)),
        lr=draw(st.sampled_from(HIGH_LRS)),
        optimizer_import=draw(st.sampled_from(("torch", "from", "alias"))),
        progress=False,
        resume=False,
        trainer=TRAINERS[0],  # no transformers run: it needs transformers installed
        horizon=HORIZONS[0],
        step_outside_guard=False,
        # Manual writes beside a scheduler of its own: a fake warmup restored in a branch next to a
        # LambdaLR leaves T unread by verify (an open case, not this test's subject).
        manual=draw(st.sampled_from([m for m in MANUAL if m != "fake_branch_restore"])),
        # A warmup of its own longer than the run (500 steps of 12) is kept: when the run's length
        # is only known at run time (`len(train_loader)`), neither the fixer nor WL009 can see it.
        warmup_steps="5",
    ).normalized()
    return plan, Script(tuple(Renderer(plan).lines()), final_newline=plan.final_newline)


def inserted_schedule(step: int, warmup: int, total: int) -> float:
    """The inserted LambdaLR's multiplier after `step` optimizer steps (the spec's formula, r = 0)."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    progress = min(1.0, max(0.0, (step - warmup) / max(1, total - warmup)))
    return 0.5 * (1 + math.cos(math.pi * progress))


@settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=6,  # each runs a fresh interpreter that imports torch: about 5 s on 2 cores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.generate],  # shrinking re-runs scripts for minutes; the drawn example is shown as it is
)
@given(runnable_scripts())
def test_inserted_schedule_ends_at_its_minimum_after_the_last_optimizer_step(planned) -> None:
    plan, script = planned
    outcome = fix_bytes(script.text.encode(), PATH, ALL_FIXES)
    assume({d.code for d in outcome.applied} & INSERTING)
    assume(not outcome.remaining)  # a step-order mistake the fixer leaves (with its reason) is another matter
    with tempfile.TemporaryDirectory() as folder:  # checkpoints land here
        path = Path(folder) / PATH
        path.write_bytes(outcome.fixed)
        result = verify(path, steps=RUN_CAP, timeout=120, device="cpu")
    assert result.run is not None and result.run.completed, (result.problem, result.stderr_tail)
    steps = result.run.steps
    (inserted,) = [s for s in result.run.primary_schedulers() if s.name == "LambdaLR"]
    assert inserted.horizon == steps, "T in the file is the number of optimizer steps the script takes"
    assert len(inserted.calls) == steps, "and the schedule steps once after each of them"
    observed = [lrs[0] for lrs in result.run.observed]
    peak = max(observed)
    warmup = observed.index(peak)
    # W is the fix's own choice (at most a fifth of the run), or the script's `warmup_steps`,
    # which the fix keeps as the user wrote it.
    assert 1 <= warmup <= 0.2 * steps or warmup == int(plan.warmup_steps)
    expected = [peak * inserted_schedule(s, warmup, steps) for s in range(steps)]
    assert observed == pytest.approx(expected, rel=1e-6, abs=1e-12), "the LR follows the schedule for T"
    assert inserted_schedule(steps, warmup, steps) == 0.0, "which reaches its minimum after step T"
