"""Parent side of ``--nproc-per-node``: the script runs under torch.distributed.run, one shim per rank.

torch.distributed.run (the module behind ``torchrun``) starts the ranks; warmlint only chooses
its arguments and keeps track of the processes it cannot reach otherwise. Each rank runs the
child entry point, so the recorder is in place in every rank before the script starts.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warmlint.verify.rank_files import RANK_FOLDER_ENV, read_rank_pids, read_rank_reports, report_path

SHIM_MODULE = "warmlint.verify.child.shim"


@dataclass(frozen=True)
class RankLaunch:
    """``nproc_per_node`` ranks on this machine, leaving their reports and process ids in ``folder``."""

    nproc_per_node: int
    folder: Path

    def command(self) -> list[str]:
        """The launcher's command line up to the shim's own options."""
        return [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc-per-node",
            str(self.nproc_per_node),
            "--standalone",
            "-m",
            SHIM_MODULE,
        ]

    def add_environment(self, env: dict[str, str]) -> None:
        env[RANK_FOLDER_ENV] = str(self.folder)

    def rank_pids(self, launcher_pid: int | None) -> set[int]:
        """The ranks' process ids: those they wrote, and the launcher's children while it is alive.

        Each rank leads a session of its own, so its pid also names its process group. The
        launcher's children cover a rank that has not written its file yet.
        """
        children = _children(launcher_pid) if launcher_pid is not None else set()
        return set(read_rank_pids(self.folder)) | children

    def report_path(self, rank: int) -> Path:
        """Where `rank` writes its report (rank 0's progress file sits next to it)."""
        return report_path(self.folder, rank)

    def reports(self) -> dict[int, dict[str, Any]]:
        return read_rank_reports(self.folder)


def _children(pid: int) -> set[int]:
    """Linux's list of a process's children; empty where /proc does not offer it."""
    found: set[int] = set()
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found
