"""Text output of ``warmlint verify``: the checks, the notes and the chart."""

from __future__ import annotations

import textwrap

from warmlint.plot.png import Verdict
from warmlint.plot.terminal import Series, render_chart
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.ranks import rank_series
from warmlint.verify.result import VerifyResult


def chart_series(
    result: VerifyResult, observed_mark: str = "*", projected_mark: str = ".", label: str = ""
) -> list[Series]:
    """The observed and projected LR of a run's first param group."""
    run = result.run
    if run is None or not run.observed:
        return []
    prefix = f"{label} " if label else ""
    observed = [(index + 1, lrs[0]) for index, lrs in enumerate(run.observed)]
    series = [Series(f"{prefix}observed", observed_mark, observed, run=label)]
    if run.projected:
        series.append(Series(f"{prefix}projected", projected_mark, list(run.projected), projected=True, run=label))
    return series + rank_series(run, label)


def render_text(result: VerifyResult, title: str | None = None, chart: bool = True) -> str:
    lines = [f"warmlint verify {title or result.script}"]
    file_notes = [f"  note: {note}" for note in (result.files.notes() if result.files else ())]
    if result.problem:
        lines.append(textwrap.indent(f"cannot check: {result.problem}", "  "))
        lines.extend(f"  {check.line()}" for check in result.failed_checks)
        return "\n".join(lines + file_notes)
    lines.append(f"  {_summary(result)}")
    lines.extend(f"  {check.line()}" for check in result.checks)
    lines.extend(f"  note: {note}" for note in (result.run.notes if result.run else ()))
    lines.extend(file_notes)
    if chart:
        lines += ["", textwrap.indent(render_chart(chart_series(result)), "  ")]
    lines += ["", f"{title or result.script}: {verdict(result)}"]
    return "\n".join(lines)


BEFORE, AFTER = "as it is", "as warmlint fix would change it"


def render_compare_text(before: VerifyResult, after: VerifyResult) -> str:
    """Both runs and both verdicts; the last line says which verdict the exit status follows."""
    sections = [
        render_text(before, title=f"{before.script} ({BEFORE})", chart=False),
        render_text(after, title=f"{after.script} ({AFTER})", chart=False),
    ]
    series = chart_series(before, "o", ":", "before") + chart_series(after, "*", ".", "after")
    if series:
        sections.append(textwrap.indent(render_chart(series), "  "))
    sections.append(
        f"{after.script}: before warmlint fix: {verdict(before)}; after: {verdict(after)} "
        "(the exit status is the fixed run's)"
    )
    return "\n\n".join(sections)


def verdict(result: VerifyResult) -> str:
    """``passed``, ``FAILED: warmup, decay`` or ``could not be checked``."""
    if result.problem:
        return "could not be checked"
    failed = [check.name for check in result.failed_checks]
    if failed:
        return f"FAILED: {', '.join(failed)}"
    return "passed"


def plot_verdict(result: VerifyResult) -> Verdict:
    """The PNG's verdict line: ``PASS`` or ``FAIL: warmup, decay``."""
    failed = [check.name for check in result.failed_checks]
    if result.problem:
        return Verdict("NOT CHECKED", failed=True)
    return Verdict(f"FAIL: {', '.join(failed)}" if failed else "PASS", failed=bool(failed))


def plot_compare_verdicts(before: VerifyResult, after: VerifyResult) -> tuple[Verdict, Verdict]:
    first, second = plot_verdict(before), plot_verdict(after)
    return Verdict(f"before: {first.text}", first.failed), Verdict(f"after: {second.text}", second.failed)


def _summary(result: VerifyResult) -> str:
    run = result.run
    assert run is not None
    device = f" on {run.device}" if run.device else ""
    ended = {
        ReportStatus.COMPLETED: "the whole run",
        ReportStatus.STOPPED: "then stopped",
        ReportStatus.RAISED: "then it crashed",
        ReportStatus.EXITED: "then it exited",
        ReportStatus.TERMINATED: "then it timed out" if run.ending.timed_out else "then it was terminated",
    }.get(run.ending.status, "then it ended")
    text = f"{run.steps} optimizer steps observed{device}, {ended}"
    if not run.completed:
        if run.total_steps:
            text += f"; run length {run.total_steps} steps, from {run.total_steps_source}"
        else:
            text += "; run length unknown"
    return text
