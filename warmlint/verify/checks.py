"""The verdicts on one run: pure functions of the recorded LR trajectory (no torch)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from warmlint.analysis import phases as definitions
from warmlint.plot.points import format_lr, peak
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import RunRecord, SchedulerRecord
from warmlint.verify.static_schedule import LrPolicy

# A scheduler stepped within this many calls of its horizon matches it (`s / T` or `s / (T - 1)`).
HORIZON_SLACK = 1


class CheckStatus(str, Enum):
    """A check's verdict; INFO is "cannot tell" or "nothing to judge"."""

    PASS = "pass"
    FAIL = "fail"
    INFO = "info"


PASS, FAIL, INFO = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.INFO


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: CheckStatus
    message: str
    # The verdict rests on the projected LRs after the observed steps, not on LRs the script really used.
    projected: bool = False

    @property
    def passed(self) -> bool:
        """Only a PASS: an INFO check ("cannot tell") neither passed nor failed."""
        return self.status is PASS

    @property
    def failed(self) -> bool:
        return self.status is FAIL

    def line(self) -> str:
        label = " (projected)" if self.projected else ""
        return f"{self.name}: {self.status.value.upper()}{label}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "passed": self.passed,
            "status": self.status.value,
            "message": self.message,
            "projected": self.projected,
        }


def run_checks(run: RunRecord, policy: LrPolicy | None = None) -> list[CheckResult]:
    """Every check on the run; `policy` holds check's thresholds for the script's optimizer, where
    the script was analysed: a run check would not flag fails no warmup or decay check."""
    checks: list[Callable[[RunRecord], CheckResult]] = [
        check_runs,
        lambda run: check_warmup(run, policy),
        lambda run: check_decay(run, policy),
        check_scheduler_stepped,
        check_finite,
        check_no_rebound,
        lambda run: check_first_step(run, policy),
        check_warmup_completes,
        check_schedule_length,
        check_steps_per_optimizer_step,
    ]
    return [check(run) for check in checks]


def check_runs(run: RunRecord) -> CheckResult:
    ending, steps = run.ending, run.steps
    if ending.timed_out:
        return CheckResult("runs", FAIL, f"the script timed out after {ending.timeout:g} s, at optimizer step {steps}")
    if ending.status is ReportStatus.RAISED:
        return CheckResult("runs", FAIL, f"the script raised {ending.describe_error()} after {steps} optimizer steps")
    if ending.status is ReportStatus.EXITED:
        status = "" if ending.exit_code is None else f" with status {ending.exit_code}"
        return CheckResult("runs", FAIL, f"the script exited{status} after {steps} optimizer steps")
    if ending.status is ReportStatus.TERMINATED:
        return CheckResult("runs", FAIL, f"the script was terminated after {steps} optimizer steps")
    if run.completed:
        return CheckResult("runs", PASS, f"the script finished by itself after {steps} optimizer steps")
    return CheckResult("runs", PASS, f"the script ran {steps} optimizer steps and was stopped there")


def check_warmup(run: RunRecord, policy: LrPolicy | None = None) -> CheckResult:
    """Owns step 1's LR measured against the peak; `first-step` defers to it."""
    found = definitions.phases(run.trajectory())
    if found is None:
        return CheckResult("warmup", INFO, "no finite LR to judge")
    fault = _step_one_fault(run)
    if fault is not None:
        projected = _beyond_observed(run, fault.peak_step)
        excused = policy.needs_no_warmup_at(found.peak) if policy is not None else ""
        if excused:
            return CheckResult("warmup", INFO, f"no warmup: {fault.message}, and {excused}", projected=projected)
        return CheckResult("warmup", FAIL, fault.message, projected=projected)
    if found.jump is not None:
        step, before, after = found.jump
        return CheckResult(
            "warmup",
            FAIL,
            f"the LR jumps from {format_lr(before)} to {format_lr(after)} at step {step} instead of rising gradually",
            projected=_beyond_observed(run, step),
        )
    first, peak_step, peak_lr = found.first, found.peak_step, found.peak
    if run.end_known and found.rises_to_the_end:  # whether it ever gets there is warmup-completes' verdict
        rise = f"the LR rises gradually from {format_lr(first)} at step 1 to {format_lr(peak_lr)} at step {peak_step}"
    else:
        rise = f"the LR rises from {format_lr(first)} at step 1 to the peak {format_lr(peak_lr)} at step {peak_step}"
    return CheckResult("warmup", PASS, rise, projected=_beyond_observed(run, peak_step))


@dataclass(frozen=True)
class _StepOneFault:
    message: str
    # The step of the peak the fault is measured against.
    peak_step: int


def _step_one_fault(run: RunRecord) -> _StepOneFault | None:
    """What is wrong with step 1's LR for a warmup: not a number, at the peak, or too close to it."""
    points = run.trajectory()
    found = definitions.phases(points)
    if found is None:
        return None
    first, peak_step, peak_lr = points[0][1], found.peak_step, found.peak
    if not math.isfinite(first):
        return _StepOneFault(f"step 1 runs at LR {first}", 1)
    if _at_peak(first, peak_lr):
        stays = f" and stays there {_over(run)}" if all(lr == peak_lr for _, lr in points) else ""
        return _StepOneFault(f"step 1 already runs at the peak LR {format_lr(peak_lr)}{stays}", 1)
    if not found.starts_low:
        return _StepOneFault(
            f"step 1 runs at {format_lr(first)}, {_percent(first / peak_lr)} of the peak LR {format_lr(peak_lr)}; "
            f"a warmup starts at {_percent(definitions.START_LOW)} of the peak or lower",
            peak_step,
        )
    return None


def check_decay(run: RunRecord, policy: LrPolicy | None = None) -> CheckResult:
    result = _judge_decay(run)
    if policy is None or not result.failed:
        return result
    lrs = {lr for _, lr in run.trajectory()}
    excused = policy.needs_no_decay_at(next(iter(lrs))) if len(lrs) == 1 else ""  # only a constant LR
    if excused:
        return CheckResult("decay", INFO, f"no decay: {result.message}, and {excused}", result.projected)
    return result


def _judge_decay(run: RunRecord) -> CheckResult:
    points = run.trajectory()
    top = peak(points)
    if top is None:
        return CheckResult("decay", INFO, "no finite LR to judge")
    peak_step, peak_lr = top
    if not run.projected and not run.end_known:
        if not run.primary_schedulers() and len({lr for _, lr in points}) == 1:
            return CheckResult(
                "decay",
                FAIL,
                f"the LR stays at {format_lr(peak_lr)} over all {run.steps} observed steps "
                "and no scheduler is attached to lower it",
            )
        if run.total_steps is None:
            return CheckResult("decay", INFO, "cannot tell: the run length is unknown; pass --total-steps N")
        return CheckResult(
            "decay",
            INFO,
            f"cannot tell: only the first {run.steps} of {run.total_steps} steps are known; "
            f"run with --steps {run.total_steps} to watch the whole run",
        )
    end_step, end_lr = points[-1]
    projected = _beyond_observed(run, end_step)
    last = f"the last step ({end_step})" if run.end_known else f"step {end_step}, where the projection stops,"
    found = definitions.phases(points)
    if found is not None and found.decays:
        return CheckResult(
            "decay",
            PASS,
            f"the LR falls from the peak {format_lr(peak_lr)} (step {peak_step}) "
            f"to {format_lr(end_lr)} at step {end_step}",
            projected,
        )
    if end_lr >= peak_lr:
        message = f"the LR is still at the peak {format_lr(peak_lr)} at {last}: it never decays"
        return CheckResult("decay", FAIL, message, projected)
    if found is not None and found.constant_tail:
        message = (
            f"the LR stays within {_percent(definitions.FLAT)} of the peak {format_lr(peak_lr)} from step "
            f"{peak_step} to {last}: it never decays"
        )
        return CheckResult("decay", FAIL, message, projected)
    return CheckResult(
        "decay",
        FAIL,
        f"the LR at {last} is {format_lr(end_lr)}, {_percent(end_lr / peak_lr)} of the peak {format_lr(peak_lr)}; "
        f"a decayed run ends at {_percent(definitions.DECAYED)} of the peak or lower",
        projected,
    )


def check_scheduler_stepped(run: RunRecord) -> CheckResult:
    schedulers = [s for s in run.schedulers if s.top_level and s.optimizer is not None]
    if not schedulers:
        return CheckResult("scheduler-stepped", INFO, "no LR scheduler is attached to an optimizer that steps")
    results = [_judge_calls(s, run) for s in schedulers]
    statuses = {status for status, _ in results}
    status = FAIL if FAIL in statuses else INFO if INFO in statuses else PASS
    return CheckResult("scheduler-stepped", status, "; ".join(message for _, message in results))


def _judge_calls(scheduler: SchedulerRecord, run: RunRecord) -> tuple[CheckStatus, str]:
    name, calls = f"{scheduler.name}.step()", scheduler.calls
    steps = run.optimizer_steps[scheduler.optimizer or 0]
    if not calls:
        if run.completed:
            return FAIL, f"{name} is never called, so it never changes the LR"
        return INFO, (
            f"{name} was not called during the first {steps} optimizer steps "
            "(fine if it steps once per epoch and an epoch is longer)"
        )
    repeats = max(Counter(calls).values())
    if repeats > 1 and scheduler in run.primary_schedulers():  # steps-per-optimizer-step owns the cadence
        return INFO, f"{name} is called {repeats} times per optimizer step: see steps-per-optimizer-step"
    if repeats > 1:
        return FAIL, f"{name} is called {repeats} times per optimizer step"
    if calls[0] == 0:
        return FAIL, (
            f"{name} is called before the first optimizer.step(), which skips the schedule's first value; "
            "call it after optimizer.step()"
        )
    gaps = {b - a for a, b in zip(calls, calls[1:])}
    if gaps and gaps != {calls[0]}:
        shown = ", ".join(str(c) for c in calls[:6]) + (", ..." if len(calls) > 6 else "")
        return FAIL, f"{name} is called at irregular intervals (after optimizer steps {shown})"
    if calls[0] == 1:
        return PASS, f"{name} is called after optimizer.step(), once per step"
    return PASS, f"{name} is called after optimizer.step(), once every {calls[0]} steps (once per epoch)"


def check_finite(run: RunRecord) -> CheckResult:
    for number, optimizer in enumerate(run.optimizers, start=1):
        for index, lrs in enumerate(optimizer.lrs):
            for group, lr in enumerate(lrs):
                if not _sane(lr):
                    where = f" in param group {group}" if len(lrs) > 1 else ""
                    owner = f" of optimizer {number} ({optimizer.name})" if len(run.optimizers) > 1 else ""
                    return CheckResult("finite", FAIL, f"step {index + 1}{owner} runs at LR {lr}{where}")
    for step, lr in run.projected:
        if not _sane(lr):
            return CheckResult("finite", FAIL, f"the projected LR at step {step} is {lr}", projected=True)
    return CheckResult("finite", PASS, "every LR is a finite number, 0 or more", projected=bool(run.projected))


def check_no_rebound(run: RunRecord) -> CheckResult:
    points = [p for p in run.trajectory() if math.isfinite(p[1])]
    top = peak(points)
    if top is None:
        return CheckResult("no-rebound", INFO, "no finite LR to judge")
    peak_lr = top[1]
    # From the first time the LR reaches the peak: a restart that climbs back to the same peak
    # can land a rounding error above it, and starting there would hide every cycle before it.
    first = next(index for index, (_, lr) in enumerate(points) if _at_peak(lr, peak_lr))
    if all(_at_peak(lr, peak_lr) for _, lr in points[first:]):
        # Not a pass: next to "decay: it never decays" a pass would read as a contradiction.
        return CheckResult("no-rebound", INFO, "the LR never falls from its peak, so it cannot climb back up")
    rebound = definitions.phases(points[first:])
    if rebound is None or rebound.restart is None:
        return CheckResult(
            "no-rebound", PASS, "once the LR decays, it does not climb back up", projected=bool(run.projected)
        )
    (low_step, low_lr), (high_step, high_lr) = rebound.restart
    message = (
        f"the LR falls to {format_lr(low_lr)} at step {low_step}, "
        f"then climbs back to {format_lr(high_lr)} by step {high_step}"
    )
    projected = _beyond_observed(run, high_step)
    restarting = [s.restarts for s in run.primary_schedulers() if s.restarts]
    if restarting:
        return CheckResult("no-rebound", INFO, f"{message}, as {restarting[0]} is built to", projected)
    built_for = [s.detail for s in run.primary_schedulers() if s.detail and "T_max" in s.detail]
    if built_for and run.total_steps:
        message += f" ({built_for[0]}, in a run of {run.total_steps} steps)"
    return CheckResult("no-rebound", FAIL, message, projected)


def check_first_step(run: RunRecord, policy: LrPolicy | None = None) -> CheckResult:
    """Owns one fact: whether step 1 updates the weights at all. How high it starts is the warmup's verdict."""
    first = run.observed[0][0] if run.observed and run.observed[0] else math.nan
    if not _sane(first):
        return CheckResult("first-step", INFO, f"step 1 runs at LR {first}: see finite")
    if first == 0:
        return CheckResult(
            "first-step",
            INFO,
            "step 1 runs at LR 0, so the first update changes nothing (usual when a warmup starts from 0)",
        )
    found = definitions.phases(run.trajectory())
    excused = policy is not None and found is not None and policy.needs_no_warmup_at(found.peak)
    if _step_one_fault(run) is not None and not excused:
        return CheckResult("first-step", INFO, f"step 1 runs at LR {format_lr(first)}, too high a start: see warmup")
    return CheckResult("first-step", PASS, f"step 1 runs at LR {format_lr(first)}")


def check_warmup_completes(run: RunRecord) -> CheckResult:
    """The LR reaches its peak before the run ends: a warmup as long as the run never finishes."""
    name = "warmup-completes"
    points = [p for p in run.trajectory() if math.isfinite(p[1])]
    top = peak(points)
    if top is None or _at_peak(points[0][1], top[1]):
        return CheckResult(name, INFO, "the LR does not rise at the start: no warmup to complete")
    if not run.end_known and run.total_steps is not None:
        return CheckResult(
            name,
            INFO,
            f"cannot tell: only the first {run.steps} of {run.total_steps} steps are known; "
            f"run with --steps {run.total_steps} to watch the whole run",
        )
    if not run.end_known:
        return CheckResult(name, INFO, "cannot tell: the run length is unknown; pass --total-steps N")
    end_step = points[-1][0]
    if top[0] >= end_step:
        return CheckResult(
            name,
            FAIL,
            f"the LR is still rising at the last step ({end_step}, {format_lr(top[1])}): the warmup never completes",
            projected=_beyond_observed(run, end_step),
        )
    message = f"the LR reaches its peak {format_lr(top[1])} at step {top[0]} of {end_step}"
    return CheckResult(name, PASS, message, projected=_beyond_observed(run, top[0]))


def check_schedule_length(run: RunRecord) -> CheckResult:
    """Each scheduler is stepped as many times as it was built for (OneCycleLR total_steps, T_max, ...)."""
    name = "schedule-length"
    if run.ending.status is ReportStatus.RAISED and "Tried to step" in (run.ending.error_message or ""):
        return CheckResult(name, FAIL, f"the scheduler was stepped past its end: {run.ending.describe_error()}")
    built = [s for s in run.primary_schedulers() if s.horizon and not s.restarts]
    if not built:
        return CheckResult(name, INFO, "no scheduler says how many steps it was built for")
    if not run.completed:
        return CheckResult(name, INFO, "cannot tell: the run was stopped before its end")
    wrong = [s for s in built if s.horizon is not None and abs(len(s.calls) - s.horizon) > HORIZON_SLACK]
    if wrong:
        return CheckResult(
            name,
            FAIL,
            "; ".join(f"{s.name}.step() is called {len(s.calls)} times but {s.detail}" for s in wrong),
        )
    return CheckResult(
        name, PASS, "; ".join(f"{s.name}.step() is called {len(s.calls)} times, as {s.detail}" for s in built)
    )


def check_steps_per_optimizer_step(run: RunRecord) -> CheckResult:
    """At most one scheduler step per optimizer step: more (one per micro-batch) runs the schedule too fast."""
    name = "steps-per-optimizer-step"
    stepped = [s for s in run.primary_schedulers() if s.calls]
    if not stepped:
        return CheckResult(name, INFO, "no scheduler of the judged optimizer is stepped")
    most = {s.name: max(Counter(s.calls).values()) for s in stepped}
    fast = {scheduler: count for scheduler, count in most.items() if count > 1}
    if fast:
        return CheckResult(
            name,
            FAIL,
            "; ".join(
                f"{scheduler}.step() is called up to {count} times per optimizer step: its schedule runs "
                f"{count} times too fast"
                for scheduler, count in fast.items()
            ),
        )
    return CheckResult(name, PASS, "every scheduler steps at most once per optimizer step")


def _at_peak(lr: float, peak_lr: float) -> bool:
    """Within a rounding error of the peak: a restart can climb one above where the run started."""
    return definitions.at_peak(lr, peak_lr)


def _beyond_observed(run: RunRecord, step: int) -> bool:
    """The step lies in the projection: the script was stopped before it."""
    return step > run.steps


def _over(run: RunRecord) -> str:
    return f"for all {run.steps} steps of the run" if run.completed else "at every step observed and projected"


def _percent(fraction: float) -> str:
    """Whole percents, except that what is below the peak never reads as 100% of it."""
    text = f"{fraction * 100:.0f}"
    if text == "100" and fraction < 1:
        text = f"{math.floor(fraction * 1000) / 10:g}"
    return f"{text}%"


def _sane(lr: float) -> bool:
    return math.isfinite(lr) and lr >= 0
