"""Child side: turn what the recorder saw into the JSON report the parent reads."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any

from warmlint.verify.hints import ScriptHints
from warmlint.verify.horizon import infer_run_length, scheduler_horizon
from warmlint.verify.pace import Pace, pace_from_calls
from warmlint.verify.projection import project
from warmlint.verify.recorder import Recorder

REPORT_FORMAT = 1
_RESTARTING = ("CyclicLR", "CosineAnnealingWarmRestarts")


@dataclass(frozen=True)
class ScriptEnd:
    """How the script ended: ``completed``, ``stopped``, ``raised``, ``exited`` or ``terminated``."""

    status: str
    error: dict[str, Any] | None = None
    exit_code: int | None = None


def describe_exception(error: BaseException, script_path: str) -> dict[str, Any]:
    """Type, message and the place in the user's code (not in torch) where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    script_dir = os.path.dirname(os.path.abspath(script_path))
    own = [f for f in frames if os.path.dirname(os.path.abspath(f.filename)) == script_dir]
    frame = (own or frames or [None])[-1]
    location = f"{os.path.relpath(frame.filename, script_dir)}:{frame.lineno}" if frame else None
    return {"type": type(error).__name__, "message": str(error), "location": location}


def build_report(
    recorder: Recorder, ending: ScriptEnd, total_steps_override: int | None, torch_version: str
) -> dict[str, Any]:
    steps = len(recorder.observed)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "status": ending.status,
        "error": ending.error,
        "exit_code": ending.exit_code,
        "torch_version": torch_version,
        "device": recorder.device,
        "steps_limit": recorder.steps_limit,
        "swallowed_stops": recorder.swallowed_stops,
        "optimizers": [
            {"name": type(opt).__name__, "steps": count}
            for opt, count in zip(recorder.optimizers, recorder.optimizer_steps)
        ],
        "observed": recorder.observed,
        "schedulers": _describe_schedulers(recorder),
        "total_steps": None,
        "total_steps_source": None,
        "projected": [],
        "notes": [],
    }
    if steps == 0:
        return report
    if recorder.swallowed_stops:
        report["notes"].append(
            f"the script caught the stop at step {steps} and went on ({recorder.swallowed_stops} times; "
            "a bare except?), so it was ended there"
        )
    finished_after = steps if ending.status == "completed" else None
    try:
        _add_projection(report, recorder, finished_after, total_steps_override)
    except Exception as error:  # a broken projection must not hide what was observed
        report["notes"].append(f"could not project the schedule: {type(error).__name__}: {error}")
    return report


def _add_projection(
    report: dict[str, Any], recorder: Recorder, finished_after: int | None, override: int | None
) -> None:
    hints = recorder.hints or ScriptHints()
    batches = hints.batches_per_epoch.value if hints.batches_per_epoch else None
    steps = len(recorder.observed)
    paced: list[tuple[Any, Pace]] = []
    unpaced: list[Any] = []
    for entry, scheduler in zip(report["schedulers"], recorder.schedulers):
        if entry["top_level"] and entry["optimizer"] == 0:
            pace = pace_from_calls(entry["calls"], steps, batches)
            if pace is None:
                unpaced.append(scheduler)
            else:
                paced.append((scheduler, pace))
    length = infer_run_length(override, finished_after, hints, paced)
    report["total_steps"] = max(length.total_steps, steps) if length.total_steps else None
    report["total_steps_source"] = length.source
    if finished_after is not None:
        return
    with recorder.paused():
        projection = project(recorder.optimizers[0], recorder.observed, report["total_steps"], paced, unpaced)
    report["projected"] = projection.points
    report["notes"].extend(projection.notes)


def _describe_schedulers(recorder: Recorder) -> list[dict[str, Any]]:
    nested = {id(child) for s in recorder.schedulers for child in getattr(s, "_schedulers", None) or ()}
    calls: list[list[int]] = [[] for _ in recorder.schedulers]
    for index, position in recorder.scheduler_calls:
        calls[index].append(position)
    described = []
    for scheduler, positions in zip(recorder.schedulers, calls):
        horizon = scheduler_horizon(scheduler)
        described.append(
            {
                "name": type(scheduler).__name__,
                "optimizer": recorder.optimizer_index(getattr(scheduler, "optimizer", None)),
                "top_level": id(scheduler) not in nested,
                "calls": positions,
                "restarts": _restarting_part(scheduler),
                "detail": horizon[1] if horizon else None,
            }
        )
    return described


def _restarting_part(scheduler: Any) -> str | None:
    """The class inside ``scheduler`` (or itself) that restarts the LR on purpose."""
    if type(scheduler).__name__ in _RESTARTING:
        return type(scheduler).__name__
    for child in getattr(scheduler, "_schedulers", None) or ():
        found = _restarting_part(child)
        if found:
            return found
    return None
