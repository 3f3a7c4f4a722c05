"""Parent side of ``--nproc-per-node``: do the ranks agree on the LR, and how to show the ones that do not.

Every rank of a data-parallel run must step with the same LR; a rank-dependent one (a scheduler
stepped on rank 0 only, an LR scaled by the rank) trains each replica differently. The other
checks judge rank 0; this one compares every rank to it, step by step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from warmlint.plot.points import format_lr
from warmlint.plot.terminal import Series
from warmlint.verify.checks import FAIL, INFO, PASS, CheckResult
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import RankRecord, RunRecord

NAME = "ranks-agree"
# LRs this close (relative) are the same LR: ranks compute it in the same order, but not always.
REL_TOLERANCE = 1e-6

_ENDED = {
    ReportStatus.COMPLETED: "finished by itself",
    ReportStatus.STOPPED: "was stopped",
    ReportStatus.RAISED: "raised an exception",
    ReportStatus.EXITED: "exited",
    ReportStatus.TERMINATED: "was terminated",
}


@dataclass(frozen=True)
class Difference:
    """The first step at which some rank's LR is not rank 0's."""

    step: int
    rank: int
    group: int
    lr: float
    reference: float


def rank_records(reports: Mapping[int, dict[str, Any]]) -> tuple[RankRecord, ...]:
    records = (RankRecord.from_report(rank, reports[rank]) for rank in sorted(reports))
    return tuple(record for record in records if record is not None)


def first_difference(reference: RankRecord, other: RankRecord) -> Difference | None:
    """Over the steps both ran, the first LR of ``other`` that is not ``reference``'s."""
    for index, (expected, seen) in enumerate(zip(reference.lrs, other.lrs)):
        for group, (a, b) in enumerate(zip(expected, seen)):
            if not _same(a, b):
                return Difference(index + 1, other.rank, group, b, a)
    return None


def check_ranks_agree(ranks: Sequence[RankRecord], world_size: int) -> CheckResult:
    by_rank = {record.rank: record for record in ranks}
    missing = [rank for rank in range(world_size) if rank not in by_rank]
    absent = f" ({_ranks_phrase(missing)} left no report)" if missing else ""
    if 0 not in by_rank or len(by_rank) < 2:
        return CheckResult(NAME, INFO, f"cannot tell: fewer than two ranks reported{absent}")
    reference = by_rank[0]
    differences = [d for r in sorted(by_rank) if r != 0 and (d := first_difference(reference, by_rank[r]))]
    if differences:
        first = min(differences, key=lambda d: (d.step, d.rank))
        message = _describe(first)
        others = [d.rank for d in differences if d.rank != first.rank]
        if others:
            message += f"; {_ranks_phrase(others)} also differ from rank 0"
        return CheckResult(NAME, FAIL, message + absent)
    common = min(len(record.lrs) for record in by_rank.values())
    message = f"all {len(by_rank)} ranks ran the same LR at each of the {common} steps"
    lengths = {record.rank: len(record.lrs) for record in by_rank.values()}
    if len(set(lengths.values())) > 1:
        message += " they all ran (" + ", ".join(f"rank {r}: {n} steps" for r, n in lengths.items()) + ")"
    return CheckResult(NAME, PASS, message + absent)


def rank_series(run: RunRecord, label: str = "") -> list[Series]:
    """For each rank that disagrees with rank 0, its LR at the steps where it does, marked with its last digit.

    Where a rank agrees, rank 0's curve already shows its LR.
    """
    reference = next((record for record in run.ranks if record.rank == 0), None)
    if reference is None:
        return []
    prefix = f"{label} " if label else ""
    series = []
    for record in run.ranks:
        points = [
            (index + 1, lrs[0])
            for index, (lrs, expected) in enumerate(zip(record.lrs, reference.lrs))
            if lrs and expected and not _same(lrs[0], expected[0])
        ]
        if record.rank != 0 and points:
            name = f"{prefix}rank {record.rank}"
            series.append(Series(f"{name}, where it differs", str(record.rank)[-1], points, run=name))
    return series


def rank_notes(ranks: Sequence[RankRecord], timed_out: bool) -> list[str]:
    """Where each rank was when the time ran out; else a line for each rank that ended otherwise than rank 0."""
    if timed_out and ranks:
        where = ", ".join(
            f"rank {r.rank} at {r.location or 'an unknown line'} after {len(r.lrs)} optimizer steps" for r in ranks
        )
        return [f"when the time ran out, {where}; a rank waiting in a collective another never joins hangs them all"]
    reference = next((record for record in ranks if record.rank == 0), None)
    if reference is None:
        return []
    return [
        f"rank {record.rank} {_ended(record.status)} after {len(record.lrs)} optimizer steps, "
        f"rank 0 {_ended(reference.status)} after {len(reference.lrs)}"
        for record in ranks
        if record.rank != 0 and record.status != reference.status
    ]


def _ended(status: ReportStatus) -> str:
    return _ENDED.get(status, status.value)


def _describe(difference: Difference) -> str:
    group = f" in param group {difference.group}" if difference.group else ""
    lr, reference = _distinct(difference.lr, difference.reference)
    return f"at step {difference.step} rank {difference.rank} ran LR {lr}{group}, rank 0 {reference}"


def _distinct(a: float, b: float) -> tuple[str, str]:
    """Both numbers as short as they go while still looking different."""
    for digits in range(3, 18):
        shown = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if shown[0] != shown[1]:
            return shown
    return format_lr(a), format_lr(b)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=REL_TOLERANCE)


def _ranks_phrase(ranks: Sequence[int]) -> str:
    return ("rank " if len(ranks) == 1 else "ranks ") + ", ".join(str(rank) for rank in ranks)
