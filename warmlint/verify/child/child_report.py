"""Child side: turn what the recorder saw into the JSON report the parent reads."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from types import FrameType
from typing import Any

from warmlint.verify.child.hints import ScriptHints
from warmlint.verify.child.horizon import RunTotal, infer_run_length, scheduler_horizon
from warmlint.verify.child.pace import Pace, pace_from_calls
from warmlint.verify.child.projection import project
from warmlint.verify.child.recorder import Recorder
from warmlint.verify.protocol import ReportStatus

REPORT_FORMAT = 1
_RESTARTING = ("CyclicLR", "CosineAnnealingWarmRestarts")


@dataclass(frozen=True)
class ScriptEnd:
    """How the script ended: any status but ``setup_error``."""

    status: ReportStatus
    error: dict[str, Any] | None = None
    exit_code: int | None = None


def describe_exception(error: BaseException, script_path: str) -> dict[str, Any]:
    """Type, message and the place in the user's code (not in torch) where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    script_dir = os.path.dirname(os.path.abspath(script_path))
    own = [f for f in frames if _in_folder(f.filename, script_dir)]
    chosen = own or frames
    frame = chosen[-1] if chosen else None
    location = f"{os.path.relpath(frame.filename, script_dir)}:{frame.lineno}" if frame is not None else None
    return {"type": type(error).__name__, "message": str(error), "location": location}


def frame_location(frame: FrameType | None, script_path: str) -> str | None:
    """``file:line`` of the innermost frame of the user's code on the stack that ends in ``frame``."""
    script_dir = os.path.dirname(os.path.abspath(script_path))
    while frame is not None:
        if _in_folder(frame.f_code.co_filename, script_dir):
            return f"{os.path.relpath(frame.f_code.co_filename, script_dir)}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def _in_folder(filename: str, folder: str) -> bool:
    """A real file right in ``folder``; ``<frozen os>`` and ``<string>`` name no file, wherever the run is."""
    return not filename.startswith("<") and os.path.dirname(os.path.abspath(filename)) == folder


def build_report(
    recorder: Recorder,
    ending: ScriptEnd,
    total_steps_override: int | None,
    torch_version: str,
    script_length: RunTotal | None = None,
) -> dict[str, Any]:
    schedulers = _describe_schedulers(recorder)
    primary = _primary_optimizer(schedulers)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "status": ending.status.value,
        "error": ending.error,
        "exit_code": ending.exit_code,
        "torch_version": torch_version,
        "device": recorder.device,
        "steps_limit": recorder.steps_limit,
        "swallowed_stops": recorder.swallowed_stops,
        "optimizers": [
            {"name": type(opt).__name__, "steps": count, "lrs": lrs}
            for opt, count, lrs in zip(recorder.optimizers, recorder.optimizer_steps, recorder.lr_history)
        ],
        "primary": primary,
        "schedulers": schedulers,
        "total_steps": None,
        "total_steps_source": None,
        "projected": [],
        "notes": [],
    }
    if not recorder.optimizers:
        return report
    notes = report["notes"]
    if len(recorder.optimizers) > 1:
        name = type(recorder.optimizers[primary]).__name__
        scheduled = any(s["top_level"] and s["optimizer"] == primary for s in schedulers)
        why = "the first to step with a scheduler" if scheduled else "the first to step"
        notes.append(
            f"{len(recorder.optimizers)} optimizers step; the checks follow optimizer {primary + 1} ({name}), {why}"
        )
    if recorder.swallowed_stops:
        notes.append(
            f"the script caught the stop at step {recorder.optimizer_steps[0]} and went on "
            f"({recorder.swallowed_stops} times; a bare except?), so it was ended there"
        )
    completed = ending.status is ReportStatus.COMPLETED
    try:
        _add_projection(report, recorder, primary, completed, total_steps_override, script_length)
    except Exception as error:  # a broken projection must not hide what was observed
        notes.append(f"could not project the schedule: {type(error).__name__}: {error}")
    return report


def _primary_optimizer(schedulers: list[dict[str, Any]]) -> int:
    """The first optimizer to step that has a scheduler (a GAN's generator, say), else the first to step."""
    with_scheduler = [s["optimizer"] for s in schedulers if s["top_level"] and s["optimizer"] is not None]
    return min(with_scheduler, default=0)


def _add_projection(
    report: dict[str, Any],
    recorder: Recorder,
    primary: int,
    completed: bool,
    override: int | None,
    script_length: RunTotal | None,
) -> None:
    hints = recorder.hints or ScriptHints()
    batches = hints.batches_per_epoch.value if hints.batches_per_epoch else None
    observed = recorder.lr_history[primary]
    paced: list[tuple[Any, Pace]] = []
    unpaced: list[Any] = []
    for entry, scheduler in zip(report["schedulers"], recorder.schedulers):
        if entry["top_level"] and entry["optimizer"] == primary:
            pace = pace_from_calls(entry["calls"], len(observed), batches)
            if pace is None:
                unpaced.append(scheduler)
            else:
                paced.append((scheduler, pace))
    length = infer_run_length(override, len(observed) if completed else None, hints, paced, script_length)
    report["total_steps"] = max(length.total_steps, len(observed)) if length.total_steps else None
    report["total_steps_source"] = length.source
    if completed:
        return
    with recorder.paused():
        projection = project(recorder.optimizers[primary], observed, report["total_steps"], paced, unpaced)
    report["projected"] = projection.points
    report["notes"].extend(projection.notes)


def _describe_schedulers(recorder: Recorder) -> list[dict[str, Any]]:
    nested = {id(child) for s in recorder.schedulers for child in getattr(s, "_schedulers", None) or ()}
    calls: list[list[int]] = [[] for _ in recorder.schedulers]
    for index, position in recorder.scheduler_calls:
        calls[index].append(position)
    described = []
    for scheduler, positions in zip(recorder.schedulers, calls):
        horizon = _remaining_horizon(scheduler, len(positions))
        described.append(
            {
                "name": type(scheduler).__name__,
                "optimizer": recorder.optimizer_index(getattr(scheduler, "optimizer", None)),
                "top_level": id(scheduler) not in nested,
                "calls": positions,
                "restarts": _restarting_part(scheduler),
                "detail": horizon[1] if horizon else None,
                "horizon": horizon[0] if horizon else None,
            }
        )
    return described


def _remaining_horizon(scheduler: Any, calls: int) -> tuple[int, str] | None:
    """The step() calls this run owes the scheduler: its horizon, less the calls a resumed run made
    before rebuilding it (`last_epoch=k` starts it at call k + 1)."""
    horizon = scheduler_horizon(scheduler)
    last_epoch = getattr(scheduler, "last_epoch", None)
    if horizon is None or not isinstance(last_epoch, int):
        return horizon
    start = last_epoch - calls  # 0 for a scheduler built fresh
    if start <= 0 or start >= horizon[0]:
        return horizon
    return horizon[0] - start, f"{horizon[1]}, less the {start} calls before it was rebuilt at last_epoch={start - 1}"


def _restarting_part(scheduler: Any) -> str | None:
    """The class inside ``scheduler`` (or itself) that restarts the LR on purpose."""
    if type(scheduler).__name__ in _RESTARTING:
        return type(scheduler).__name__
    for child in getattr(scheduler, "_schedulers", None) or ():
        found = _restarting_part(child)
        if found:
            return found
    return None
