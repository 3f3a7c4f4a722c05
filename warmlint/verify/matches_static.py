"""`matches-static`: the LRs the run used are the ones `check` computed from the code.

`check`, `fix` and `verify` read one schedule model; when the script's real LRs differ from its
prediction, the analysis got the script wrong, and saying so beats a PASS that rests on it.
"""

from __future__ import annotations

import math

from warmlint.analysis.phases import AT_PEAK
from warmlint.plot.points import format_lr
from warmlint.verify.checks import FAIL, INFO, PASS, CheckResult
from warmlint.verify.record import RunRecord
from warmlint.verify.static_schedule import StaticSchedule

NAME = "matches-static"
TOLERANCE = 1e-3  # relative to the peak: LRs from float arithmetic in the script and in the analysis
_ROUNDING = AT_PEAK


def check_matches_static(run: RunRecord, static: tuple[StaticSchedule, ...]) -> CheckResult:
    if not run.optimizers:
        return CheckResult(NAME, INFO, "no optimizer stepped")
    judged = run.optimizers[run.primary].name
    same = [s for s in static if s.optimizer == judged]
    if len(same) != 1:
        found = "no" if not same else str(len(same))
        return CheckResult(NAME, INFO, f"no static prediction: the file builds {found} training runs of {judged}")
    prediction = same[0]
    if prediction.curve is None:
        return CheckResult(NAME, INFO, f"no static prediction: {prediction.unknown}")
    replayed = prediction.scheduled and bool(run.primary_schedulers())
    points = run.trajectory() if replayed else run.trajectory()[: run.steps]
    expected = [(step, prediction.curve(step - 1)) for step, _ in points]
    peak = max((lr for _, lr in expected if math.isfinite(lr)), default=0.0)
    if peak <= 0:
        return CheckResult(NAME, INFO, "no static prediction: the computed LR is never positive")
    for (step, observed), (_, predicted) in zip(points, expected):
        if not math.isfinite(observed) or not math.isfinite(predicted):
            continue
        if abs(observed - predicted) > TOLERANCE * peak + _ROUNDING * abs(predicted):
            kind = "projected" if step > run.steps else "observed"
            return CheckResult(
                NAME,
                FAIL,
                f"the {kind} LR at step {step} is {format_lr(observed)}, but `check` computed "
                f"{format_lr(predicted)} for {judged} ({prediction.summary()}): the analysis of this "
                "script is wrong, so check's findings on it cannot be trusted",
                projected=step > run.steps,
            )
    projected = replayed and bool(run.projected)
    shown = f"{run.steps} observed" + (f" and {len(run.projected)} projected" if projected else "")
    return CheckResult(
        NAME,
        PASS,
        f"the LRs of all {shown} steps are the ones `check` computed ({prediction.summary()})",
        projected=projected,
    )
