"""Parent side: turn a finished child run into a VerifyResult, or say why the script could not be checked."""

from __future__ import annotations

import signal
from dataclasses import replace
from typing import Any

from warmlint.verify.checks import CheckResult, run_checks
from warmlint.verify.launch_hint import launcher_hint
from warmlint.verify.matches_static import check_matches_static
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.ranks import check_ranks_agree, rank_notes, rank_records
from warmlint.verify.record import Ending, RunRecord
from warmlint.verify.result import EXIT_FAILED, EXIT_NOT_RUN, EXIT_PASSED, VerifyResult
from warmlint.verify.run import ChildRun
from warmlint.verify.static_schedule import ScriptFacts
from warmlint.verify.untouched import check_project_untouched

TORCH_MISSING = "warmlint verify needs torch: pip install 'warmlint[verify]'"
STDERR_LINES_IN_MESSAGE = 10


def interpret(
    script: str, child: ChildRun, timeout: float, device: str, static: ScriptFacts | None = None
) -> VerifyResult:
    common: dict[str, Any] = {
        "script": script,
        "stderr_tail": tuple(child.stderr_tail),
        "seconds": child.seconds,
        "files": child.files,
    }
    untouched = _check_untouched(child)
    # A script that could not be checked may still have changed the project: say so all the same.
    not_run: dict[str, Any] = {"exit_code": EXIT_NOT_RUN, "checks": tuple(c for c in untouched if c.failed)}
    report = child.report
    if report is None:
        return VerifyResult(problem=_no_report(child, timeout), **common, **not_run)
    status = ReportStatus.of(report)
    if status is None:
        problem = f"the script's report has an unknown status {report.get('status')!r}"
        return VerifyResult(problem=problem, **common, **not_run)
    if status is ReportStatus.SETUP_ERROR:
        problem = _setup_problem(report.get("error") or {})
        return VerifyResult(problem=problem, **common, **not_run)
    ending = _ending(report, status, child, timeout)
    run = RunRecord.from_report(report, ending)
    if child.world_size:
        ranks = rank_records(child.rank_reports)
        run = replace(run, ranks=ranks, notes=(*run.notes, *rank_notes(ranks, child.timed_out)))
    if run.steps == 0:
        hint = None if child.world_size else launcher_hint(ending)
        problem = hint or _never_stepped(ending) + _stderr_excerpt(child.stderr_tail)
        return VerifyResult(problem=problem, run=run, **common, **not_run)
    if device == "cuda" and not (run.device or "").startswith("cuda"):
        run = _with_note(run, f"--device cuda was asked for, but the model's parameters are on {run.device}")
    length = run.total_steps or (run.steps if run.completed else None)
    predicted = static.schedules_for(length) if static is not None else ()
    policy = static.policy if static is not None else None
    checks = (*run_checks(run, policy), check_matches_static(run, predicted))
    if child.world_size:
        checks += (check_ranks_agree(run.ranks, child.world_size),)
    checks += untouched
    exit_code = EXIT_FAILED if any(check.failed for check in checks) else EXIT_PASSED
    return VerifyResult(exit_code=exit_code, checks=checks, run=run, **common)


def _check_untouched(child: ChildRun) -> tuple[CheckResult, ...]:
    files = child.files
    if files is None or files.changes is None:
        return ()
    return (check_project_untouched(files.changes, files.writes_allowed),)


def _ending(report: dict[str, Any], status: ReportStatus, child: ChildRun, timeout: float) -> Ending:
    error = report.get("error") or {}
    return Ending(
        status=status,
        timed_out=child.timed_out and status is ReportStatus.TERMINATED,
        timeout=timeout,
        error_type=error.get("type"),
        error_message=error.get("message"),
        location=error.get("location"),
        exit_code=report.get("exit_code"),
    )


def _no_report(child: ChildRun, timeout: float) -> str:
    if child.timed_out:
        reason = f"the script timed out after {timeout:g} s and had to be killed before it could report"
    elif child.returncode < 0:
        name = signal.Signals(-child.returncode).name
        reason = f"the script died from {name} before it could report"
        if name == "SIGABRT":
            reason += " (os.abort() or a crash in native code)"
    else:
        reason = f"the script ended with status {child.returncode} without a report"
    return reason + _stderr_excerpt(child.stderr_tail)


def _setup_problem(error: dict[str, Any]) -> str:
    if error.get("type") == "torch-missing":
        return TORCH_MISSING
    if error.get("type") == "no-cuda":
        return "--device cuda: no CUDA GPU is visible to PyTorch (torch.cuda.is_available() is False)"
    return f"could not start the script: {error.get('message')}"


def _never_stepped(ending: Ending) -> str:
    before = "before its first optimizer step"
    if ending.status is ReportStatus.RAISED:
        return f"the script raised {ending.describe_error()} {before}"
    if ending.status is ReportStatus.EXITED:
        return f"the script exited with status {ending.exit_code} {before}"
    if ending.timed_out:
        return f"the script timed out after {ending.timeout:g} s, {before}"
    if ending.status is ReportStatus.TERMINATED:
        return f"the script was terminated {before}"
    return "the script never reached an optimizer step: it finished without calling optimizer.step()"


def _stderr_excerpt(lines: list[str]) -> str:
    shown = [line for line in lines if line.strip()][-STDERR_LINES_IN_MESSAGE:]
    if not shown:
        return " (it wrote nothing to stderr)"
    return "; last lines of its stderr:\n" + "\n".join(f"    {line}" for line in shown)


def _with_note(run: RunRecord, note: str) -> RunRecord:
    return replace(run, notes=(*run.notes, note))
