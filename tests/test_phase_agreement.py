"""One LR trace, one verdict: the static classification of a schedule written in the code, the
fixer's check of a schedule it wrote, and verify's checks of the LRs a run used all read the
phase definitions of `warmlint.analysis.phases`, and agree on warmup, decay and constant tail."""

from __future__ import annotations

import math

from conftest import examples, model_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmlint.analysis.evaluate import classify
from warmlint.analysis.lr_schedule import schedule_of
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.fixes.plans import FixOptions
from warmlint.fixes.run_check import schedule_problem
from warmlint.verify.checks import FAIL, PASS, run_checks
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending, OptimizerRecord, RunRecord

PEAK = 0.1


@st.composite
def traces(draw) -> list[float]:
    """LR multipliers of a short run: a start, a rise (gradual, in one jump or none), then a tail
    that holds, decays part of the way or all the way."""
    total = draw(st.integers(8, 60))
    rise = draw(st.integers(0, total // 2))
    start = draw(st.sampled_from([0.0, 0.01, 0.1, 0.3, 0.45, 0.5, 0.55, 0.8, 1.0]))
    jump = draw(st.booleans())
    end = draw(st.sampled_from([1.0, 0.995, 0.9, 0.6, 0.5, 0.4, 0.1, 0.0]))
    values = []
    for step in range(total):
        if step < rise:
            values.append(start if jump else start + (1 - start) * step / rise)
        else:
            progress = (step - rise) / max(1, total - 1 - rise)
            values.append(1 - (1 - end) * progress)
    return values


def as_source(values: list[float]) -> str:
    """A LambdaLR whose function returns the trace, stepped once per optimizer step over its length."""
    body = "".join(f"    if s < {index + 1}:\n        return {value!r}\n" for index, value in enumerate(values))
    return (
        "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n\n\n"
        f"def trace(s):\n{body}    return {values[-1]!r}\n\n\n"
        f"optimizer = torch.optim.SGD(p, lr={PEAK})\nscheduler = LambdaLR(optimizer, lr_lambda=trace)\n"
        f"for step in range({len(values)}):\n    optimizer.step()\n    scheduler.step()\n"
    )


def as_run(values: list[float]) -> RunRecord:
    lrs = tuple((PEAK * value,) for value in values)
    return RunRecord(
        optimizers=(OptimizerRecord("SGD", len(values), lrs),),
        primary=0,
        projected=(),
        total_steps=len(values),
        total_steps_source="--total-steps",
        schedulers=(),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.COMPLETED),
    )


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(traces())
def test_static_fixer_and_verify_agree_on_the_phases(values):
    model = model_of(as_source(values))
    (optimizer,) = model.optimizers
    schedule = schedule_of(model, optimizer)
    static = schedule.phases
    assert static is not None
    shape = classify(lr_lambda_of(model, model.schedulers[0]).function, horizon=len(values) - 1)
    assert shape is not None  # check's two readings of the code are one
    verdict = (static.starts_low, static.jump, static.peak_step, static.decays, static.constant_tail)
    found = shape.phases
    assert (found.starts_low, found.jump and found.jump[0], found.peak_step, found.decays, found.constant_tail) == (
        verdict[0],
        verdict[1] and verdict[1][0],
        *verdict[2:],
    )

    checks = {check.name: check for check in run_checks(as_run(values))}
    if max(values) > 0 and not math.isclose(values[0], max(values)):
        assert (checks["warmup"].status == PASS) is static.warmup, (checks["warmup"].message, static)
    assert (checks["decay"].status == PASS) is static.decays, (checks["decay"].message, static)
    if static.constant_tail:
        assert checks["decay"].status == FAIL and "never decays" in checks["decay"].message

    # The fixer judges a schedule it wrote by the same definitions: it refuses exactly the traces
    # without a warmup (the other refusals are about the inserted formula's end, not its phases).
    problem = schedule_problem(model_of("import torch\n"), model, FixOptions())
    no_warmup = problem is not None and ("no warmup" in problem or "jump" in problem or "W >= T" in problem)
    if max(values) > 0:
        assert no_warmup is (not static.warmup or static.peak_step >= len(values) - 1), (problem, static)
