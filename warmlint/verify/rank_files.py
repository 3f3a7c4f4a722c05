"""What the parent and each rank of a ``--nproc-per-node`` run agree on: one folder, two files per rank.

Every rank writes its own report (``rank-R.json``) and, first thing, its process id
(``rank-R.pid``): torch.distributed.run starts each rank in a session of its own, out of reach
of a signal to the launcher's process group, so the parent signals each rank's group by that id.
Importable without torch, like `warmlint.verify.protocol`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from warmlint.verify.protocol import read_report

# Folder the ranks write into; set only for a run under torch.distributed.run.
RANK_FOLDER_ENV = "WARMLINT_VERIFY_RANK_FOLDER"

_NAME = re.compile(r"rank-(\d+)\.(json|pid)")


def report_path(folder: Path, rank: int) -> Path:
    return folder / f"rank-{rank}.json"


def pid_path(folder: Path, rank: int) -> Path:
    return folder / f"rank-{rank}.pid"


def read_rank_reports(folder: Path) -> dict[int, dict[str, Any]]:
    """Rank -> its report, for every rank that wrote a readable one."""
    reports = {}
    for rank in _ranks(folder, "json"):
        report = read_report(report_path(folder, rank))
        if report is not None:
            reports[rank] = report
    return reports


def read_rank_pids(folder: Path) -> list[int]:
    """The process ids the ranks wrote; a half-written or unreadable file is skipped."""
    pids = []
    for rank in _ranks(folder, "pid"):
        try:
            pids.append(int(pid_path(folder, rank).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return pids


def _ranks(folder: Path, suffix: str) -> list[int]:
    try:
        names = [entry.name for entry in folder.iterdir()]
    except OSError:
        return []
    matches = [_NAME.fullmatch(name) for name in names]
    return sorted(int(match.group(1)) for match in matches if match and match.group(2) == suffix)
