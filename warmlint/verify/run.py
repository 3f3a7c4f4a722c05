"""Parent side: run the user's script in a child process under the shim and collect its report.

Never imports torch or the script: both only ever live in the child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import warmlint
from warmlint.verify.distributed import SHIM_MODULE, RankLaunch
from warmlint.verify.outputs import ProjectFiles, Redirect
from warmlint.verify.progress import progress_path, watch_progress
from warmlint.verify.protocol import ADDED_PATH_ENV, REPORT_ENV, read_report
from warmlint.verify.static_schedule import ScriptLength
from warmlint.verify.untouched import compare_snapshots, project_root, take_snapshot

# After SIGTERM the child writes its report; it gets this long before SIGKILL.
TERMINATE_GRACE_SECONDS = 10.0
TAIL_LINES = 50
_TAIL_BYTES = 256 * 1024


@dataclass(frozen=True)
class ChildRun:
    report: dict[str, Any] | None
    returncode: int
    timed_out: bool
    seconds: float
    stderr_tail: list[str]
    # Under --nproc-per-node: how many ranks were started, and the report of each that wrote one
    # (``report`` is then rank 0's).
    world_size: int | None = None
    rank_reports: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    files: ProjectFiles | None = None


@dataclass(frozen=True)
class WritePolicy:
    """``allow_writes`` lets the script write into the project; otherwise ``keep`` receives what it wrote."""

    allow_writes: bool = False
    keep: Path | None = None


def _steps_to_run(steps: int, total_steps: int | None, script_length: ScriptLength | None) -> int:
    """The optimizer steps the child will take, as its progress shows them: `--steps`, or the
    run's own length (`--total-steps`, else the script's loops) when that is shorter."""
    length = total_steps or (script_length.steps if script_length else None)
    return min(steps, length) if length else steps


def run_child(
    script: Path,
    script_args: Sequence[str],
    steps: int,
    total_steps: int | None,
    timeout: float,
    device: str,
    script_length: ScriptLength | None = None,
    nproc_per_node: int | None = None,
    writes: WritePolicy = WritePolicy(),
) -> ChildRun:
    with tempfile.TemporaryDirectory(prefix="warmlint-verify-") as scratch:
        project = project_root(script)
        redirect = None if writes.allow_writes else Redirect(Path(scratch), tuple(dict.fromkeys((project, Path.cwd()))))
        before = take_snapshot(project)
        report_path = Path(scratch) / "report.json"
        ranks = RankLaunch(nproc_per_node, Path(scratch)) if nproc_per_node else None
        command = ranks.command() if ranks else [sys.executable, "-m", SHIM_MODULE]
        command += ["--steps", str(steps), "--device", device]
        if total_steps:
            command += ["--total-steps", str(total_steps)]
        if script_length is not None:
            command += ["--script-total-steps", str(script_length.steps), "--script-total-source", script_length.source]
        command += ["--", str(script), *script_args]
        env = _child_environment(report_path, device)
        if ranks:
            ranks.add_environment(env)
        if redirect:
            redirect.add_environment(env)
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=script.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # only the end of stderr is ever shown
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        stderr = _Tail(process.stderr)
        try:
            progress_file = progress_path(ranks.report_path(0) if ranks else report_path)
            with watch_progress(progress_file, _steps_to_run(steps, total_steps, script_length)):
                timed_out = _wait(process, timeout, ranks)
        finally:
            _kill_all(process, ranks, signal.SIGKILL)  # nothing the script started outlives the run
            process.wait()
        seconds = time.monotonic() - started
        rank_reports = ranks.reports() if ranks else {}
        changes = compare_snapshots(before, take_snapshot(project))
        outputs = redirect.collect(writes.keep) if redirect else None
        return ChildRun(
            report=rank_reports.get(0) if ranks else read_report(report_path),
            returncode=process.returncode,
            timed_out=timed_out,
            seconds=seconds,
            stderr_tail=stderr.lines(),
            world_size=nproc_per_node if ranks else None,
            rank_reports=rank_reports,
            files=ProjectFiles(writes.allow_writes, outputs, changes),
        )


def _child_environment(report_path: Path, device: str) -> dict[str, str]:
    env = dict(os.environ)
    env[REPORT_ENV] = str(report_path)
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    # The child starts in the script's folder; make sure it can still import warmlint.
    root = str(Path(warmlint.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env[ADDED_PATH_ENV] = root
    return env


def _wait(process: subprocess.Popen[bytes], timeout: float, ranks: RankLaunch | None) -> bool:
    """Wait for the child; past the timeout ask it to report (SIGTERM), then kill it. True if it timed out."""
    try:
        process.wait(timeout=timeout)
        return False
    except subprocess.TimeoutExpired:
        _kill_all(process, ranks, signal.SIGTERM)
        try:
            process.wait(timeout=TERMINATE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        return True


def _kill_all(process: subprocess.Popen[bytes], ranks: RankLaunch | None, sig: signal.Signals) -> None:
    """The child's process group and, under torch.distributed.run, each rank's own."""
    rank_pids: set[int] = set()
    if ranks:
        # The launcher's children count only while it is unreaped, so that its pid is still its own.
        rank_pids = ranks.rank_pids(process.pid if process.returncode is None else None)
    for pid in (process.pid, *rank_pids):
        _kill_group(pid, sig)


def _kill_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class _Tail:
    """Reads a pipe to the end on a thread (so the child never blocks on a full pipe), keeping only the end."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        with stream:
            while chunk := stream.read1(65536):  # type: ignore[attr-defined]
                self._buffer += chunk
                if len(self._buffer) > 2 * _TAIL_BYTES:
                    del self._buffer[:-_TAIL_BYTES]

    def lines(self) -> list[str]:
        self._thread.join(timeout=5)
        text = bytes(self._buffer[-_TAIL_BYTES:]).decode("utf-8", errors="replace")
        return text.splitlines()[-TAIL_LINES:]
