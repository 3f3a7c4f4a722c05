"""Parent side: the child's JSON report as plain typed data, the input of the checks and the output."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from warmlint.plot.points import Point
from warmlint.verify.protocol import ReportStatus


@dataclass(frozen=True)
class SchedulerRecord:
    name: str
    # Index of its optimizer among those that stepped (first to step = 0), None if it never stepped.
    optimizer: int | None
    # False for the schedulers a SequentialLR or ChainedScheduler drives.
    top_level: bool
    # How many steps its optimizer had taken at each step() call.
    calls: tuple[int, ...]
    # The scheduler in it built to restart (CyclicLR, CosineAnnealingWarmRestarts), if any:
    # then climbing back up is intended.
    restarts: str | None
    # What it was built for, e.g. "CosineAnnealingLR T_max = 200".
    detail: str | None
    # How many step() calls it was built for (the number in `detail`), None when it does not say.
    horizon: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SchedulerRecord:
        return cls(
            name=data["name"],
            optimizer=data.get("optimizer"),
            top_level=bool(data.get("top_level", True)),
            calls=tuple(data.get("calls", ())),
            restarts=data.get("restarts"),
            detail=data.get("detail"),
            horizon=data.get("horizon"),
        )


@dataclass(frozen=True)
class OptimizerRecord:
    name: str
    steps: int
    # One tuple of LRs (one per param group) per step, as the step used them.
    lrs: tuple[tuple[float, ...], ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OptimizerRecord:
        lrs = tuple(tuple(_number(v) for v in step) for step in data.get("lrs", ()))
        return cls(name=data.get("name", "optimizer"), steps=int(data.get("steps", len(lrs))), lrs=lrs)


@dataclass(frozen=True)
class Ending:
    """How the child ended: any status but ``setup_error``."""

    status: ReportStatus
    timed_out: bool = False
    timeout: float | None = None
    error_type: str | None = None
    error_message: str | None = None
    location: str | None = None
    exit_code: int | None = None

    def describe_error(self) -> str:
        where = f" at {self.location}" if self.location else ""
        message = f": {self.error_message}" if self.error_message else ""
        return f"{self.error_type}{message}{where}"


@dataclass(frozen=True)
class RunRecord:
    """Everything one run showed; the checks judge the first optimizer that stepped."""

    # In the order they first stepped.
    optimizers: tuple[OptimizerRecord, ...]
    # Index of the optimizer the checks judge: the first to step with a scheduler, else the first.
    primary: int
    # (step, LR of param group 0 of the judged optimizer) after the observed steps, up to total_steps.
    projected: tuple[Point, ...]
    total_steps: int | None
    total_steps_source: str | None
    schedulers: tuple[SchedulerRecord, ...]
    device: str | None
    notes: tuple[str, ...]
    ending: Ending
    # Under --nproc-per-node: every rank that reported, rank 0 (the run above) included.
    ranks: tuple[RankRecord, ...] = ()

    @property
    def observed(self) -> tuple[tuple[float, ...], ...]:
        """The LRs of every param group of the judged optimizer, at each of its steps."""
        return self.optimizers[self.primary].lrs if self.optimizers else ()

    @property
    def optimizer_steps(self) -> tuple[int, ...]:
        return tuple(optimizer.steps for optimizer in self.optimizers)

    @property
    def steps(self) -> int:
        return len(self.observed)

    @property
    def completed(self) -> bool:
        """The script finished by itself: the observed steps are the whole run."""
        return self.ending.status is ReportStatus.COMPLETED

    @property
    def end_known(self) -> bool:
        """The trajectory reaches the run's last step: the script finished, was stopped at its last
        step, or the projection goes to the end."""
        if self.completed or (self.total_steps is not None and self.steps >= self.total_steps):
            return True
        return bool(self.projected) and self.projected[-1][0] == self.total_steps

    def trajectory(self) -> list[Point]:
        """LR of param group 0 at every observed step, then at the projected ones."""
        observed = [(index + 1, lrs[0]) for index, lrs in enumerate(self.observed) if lrs]
        return observed + list(self.projected)

    def primary_schedulers(self) -> list[SchedulerRecord]:
        return [s for s in self.schedulers if s.top_level and s.optimizer == self.primary]

    @classmethod
    def from_report(cls, report: dict[str, Any], ending: Ending) -> RunRecord:
        return cls(
            optimizers=tuple(OptimizerRecord.from_json(o) for o in report.get("optimizers", ())),
            primary=int(report.get("primary", 0)),
            projected=tuple((int(step), _number(lr)) for step, lr in report.get("projected", ())),
            total_steps=report.get("total_steps"),
            total_steps_source=report.get("total_steps_source"),
            schedulers=tuple(SchedulerRecord.from_json(s) for s in report.get("schedulers", ())),
            device=report.get("device"),
            notes=tuple(report.get("notes", ())),
            ending=ending,
        )


@dataclass(frozen=True)
class RankRecord:
    """What one rank of a distributed run saw: the LRs of its judged optimizer, and how it ended."""

    rank: int
    # One tuple of LRs (one per param group) per step, as in OptimizerRecord.
    lrs: tuple[tuple[float, ...], ...]
    status: ReportStatus
    # Where in the script it was when it ended (raised there, or was terminated waiting there).
    location: str | None = None

    @classmethod
    def from_report(cls, rank: int, report: dict[str, Any]) -> RankRecord | None:
        """None for a report whose status the child never writes: read as no report."""
        status = ReportStatus.of(report)
        if status is None:
            return None
        optimizers = [OptimizerRecord.from_json(o) for o in report.get("optimizers", ())]
        primary = int(report.get("primary", 0))
        lrs = optimizers[primary].lrs if primary < len(optimizers) else ()
        location = (report.get("error") or {}).get("location")
        return cls(rank=rank, lrs=lrs, status=status, location=location)


def _number(value: Any) -> float:
    return float(value) if value is not None else math.nan
