"""The verify checks agree with each other, and say when a verdict rests on the projection."""

from __future__ import annotations

import math

import pytest

from warmlint.verify.checks import FAIL, INFO, PASS, CheckResult, run_checks
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending, OptimizerRecord, RunRecord


def run(observed: list[float], projected: list[float] = (), *, completed: bool = False) -> RunRecord:
    """A run that used ``observed`` at steps 1..K and is projected to use ``projected`` after them."""
    steps = len(observed)
    return RunRecord(
        optimizers=(OptimizerRecord("SGD", steps, tuple((lr,) for lr in observed)),),
        primary=0,
        projected=tuple((steps + 1 + index, lr) for index, lr in enumerate(projected)),
        total_steps=steps + len(projected),
        total_steps_source="--total-steps",
        schedulers=(),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.COMPLETED if completed else ReportStatus.STOPPED),
    )


def by_name(record: RunRecord) -> dict[str, CheckResult]:
    return {check.name: check for check in run_checks(record)}


def warmup(steps: int, peak: float) -> list[float]:
    return [peak * (step + 1) / steps for step in range(steps)]


def cosine(steps: int, peak: float) -> list[float]:
    return [peak * 0.5 * (1 + math.cos(math.pi * step / steps)) for step in range(1, steps + 1)]


def test_first_step_does_not_pass_when_warmup_fails_on_step_one():
    checks = by_name(run([0.2] * 50, [0.2] * 350))
    assert checks["warmup"].status == FAIL and "step 1 already runs at the peak" in checks["warmup"].message
    assert checks["first-step"].status == INFO and "see warmup" in checks["first-step"].message


def test_first_step_does_not_pass_when_step_one_starts_too_close_to_the_peak():
    checks = by_name(run([0.06] + [0.1] * 49, completed=True))
    assert checks["warmup"].status == FAIL and "step 1 runs at 0.06, 60% of the peak" in checks["warmup"].message
    assert checks["first-step"].status == INFO


def test_a_start_just_below_the_peak_does_not_read_as_100_percent_of_it():
    checks = by_name(run([0.0199] + [0.02] * 39, completed=True))
    assert "step 1 runs at 0.0199, 99.5% of the peak LR 0.02" in checks["warmup"].message


def test_first_step_passes_with_a_real_warmup():
    checks = by_name(run(warmup(10, 0.1) + cosine(40, 0.1), completed=True))
    assert checks["warmup"].status == checks["first-step"].status == PASS


def test_a_nan_first_step_is_not_a_pass():
    checks = by_name(run([math.nan] + [0.1] * 9, completed=True))
    assert checks["finite"].status == FAIL
    assert checks["first-step"].status == INFO and "see finite" in checks["first-step"].message


def test_a_restart_a_rounding_error_above_step_one_is_still_no_warmup():
    # CosineAnnealingLR past T_max: back at the peak, a rounding error above step 1.
    cycle = [0.05 * 0.5 * (1 + math.cos(math.pi * (step % 10) / 10)) for step in range(40)]
    checks = by_name(run(cycle[:40] + [0.05 + 1e-12], completed=True))
    assert checks["warmup"].status == FAIL and "already runs at the peak" in checks["warmup"].message
    assert checks["warmup-completes"].status == INFO
    assert checks["first-step"].status == INFO


def test_no_rebound_does_not_pass_a_run_that_never_decays():
    checks = by_name(run([0.2] * 50, [0.2] * 350))
    assert checks["decay"].status == FAIL and "never decays" in checks["decay"].message
    assert checks["no-rebound"].status == INFO


def test_warmup_does_not_name_a_peak_that_warmup_completes_says_is_never_reached():
    checks = by_name(run(warmup(40, 0.1), completed=True))
    assert checks["warmup-completes"].status == FAIL
    assert checks["warmup"].status == PASS and "peak" not in checks["warmup"].message


CASES = {
    "constant": ([0.2] * 50, [0.2] * 350, False),
    "constant, whole run": ([0.2] * 40, [], True),
    "warmup then cosine": (warmup(20, 3e-3) + cosine(30, 3e-3), [3e-3 * 0.5] * 10, False),
    "warmup never ends": (warmup(50, 0.1), [0.1 * (51 + i) / 400 for i in range(350)], False),
    "starts at half": ([0.05] + [0.1] * 49, [], True),
    "jumps": ([1e-4] * 10 + [0.05] * 30, [], True),
    "zero start": ([0.0] + warmup(9, 0.1) + cosine(40, 0.1), [], True),
    "nan start": ([math.nan] + [0.1] * 9, [], True),
    "restarts": ([0.05, 0.025, 0.0, 0.025, 0.05 + 1e-12] * 8, [], True),
}


@pytest.mark.parametrize("name", CASES)
def test_no_check_passes_what_another_fails_about_step_one(name):
    observed, projected, completed = CASES[name]
    checks = by_name(run(observed, projected, completed=completed))
    about_step_one = [c for c in checks.values() if c.status == FAIL and c.message.startswith("step 1 ")]
    if about_step_one:
        assert checks["first-step"].status != PASS, [c.line() for c in checks.values()]
    if checks["decay"].status == FAIL and "never decays" in checks["decay"].message:
        assert checks["no-rebound"].status != PASS
    if "already runs at the peak" in checks["warmup"].message:
        assert checks["warmup-completes"].status != PASS


def test_verdicts_from_the_projection_are_labelled():
    # 50 observed steps: a warmup to the peak at step 20 and the start of the decay; the end is projected.
    checks = by_name(run(warmup(20, 3e-3) + cosine(380, 3e-3)[:30], cosine(380, 3e-3)[30:]))
    assert checks["decay"].status == PASS and checks["decay"].projected
    assert checks["decay"].line().startswith("decay: PASS (projected): the LR falls from the peak")
    assert checks["no-rebound"].projected and checks["finite"].projected
    # The warmup and step 1 are observed: no label there.
    assert checks["warmup"].status == PASS and not checks["warmup"].projected
    assert checks["warmup"].line().startswith("warmup: PASS: ")
    assert not checks["first-step"].projected and not checks["runs"].projected


def test_a_peak_only_the_projection_reaches_is_labelled():
    checks = by_name(run(warmup(400, 0.1)[:50], warmup(400, 0.1)[50:] + cosine(100, 0.1)))
    assert checks["warmup"].status == PASS and checks["warmup"].projected
    assert "(projected)" in checks["warmup"].line()
    assert checks["warmup-completes"].projected


def test_a_whole_observed_run_has_no_projected_verdict():
    checks = by_name(run(warmup(10, 0.1) + cosine(40, 0.1), completed=True))
    assert not any(check.projected for check in checks.values())
    assert all("(projected)" not in check.line() for check in checks.values())


def test_the_label_is_in_the_json():
    checks = by_name(run([0.2] * 50, [0.2] * 350))
    assert checks["decay"].to_json()["projected"] is True
    assert checks["warmup"].to_json()["projected"] is False
