"""Child side of ``--nproc-per-node``: what one rank under torch.distributed.run does besides the usual run.

A rank names its report after ``RANK``, writes its process id before anything else (see
`warmlint.verify.rank_files`), takes the GPU of its ``LOCAL_RANK`` under ``--device cuda``, and
reports on SIGTERM even while it waits in a collective that another rank never joins.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from warmlint.verify.rank_files import pid_path, report_path


def enter_rank(folder: str) -> str:
    """Write this rank's process id; return the path of its report."""
    rank = int(os.environ.get("RANK", "0"))
    pid_file = pid_path(Path(folder), rank)
    partial = pid_file.with_name(pid_file.name + ".partial")
    partial.write_text(str(os.getpid()), encoding="utf-8")
    os.replace(partial, pid_file)
    return str(report_path(Path(folder), rank))


def gpu_shortage() -> str | None:
    """Under --device cuda, select the GPU of this rank's LOCAL_RANK; say so when there is none for it."""
    import torch

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    count = torch.cuda.device_count()
    if local_rank >= count:
        rank = os.environ.get("RANK", local_rank)
        return f"--device cuda: rank {rank} needs GPU {local_rank}, but {count} are visible"
    torch.cuda.set_device(local_rank)
    return None


def report_on_terminate(on_terminate: Callable[[int, FrameType | None], None]) -> None:
    """Handle SIGTERM on a thread of its own, woken through the signal wakeup fd.

    Python runs a signal handler only when the main thread gets back to the interpreter, and a
    rank stuck in a collective waits in native code for good; the C-level handler still writes
    the signal number to the wakeup fd, and this thread, which holds no lock the main thread has,
    writes the report from there. The main thread's own handler then does nothing.
    """
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    main = threading.main_thread().ident
    signal.signal(signal.SIGTERM, _left_to_the_thread)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    os.register_at_fork(after_in_child=_forget_wakeup)

    def watch() -> None:
        while data := os.read(read_end, 512):
            if signal.SIGTERM in data:
                on_terminate(signal.SIGTERM, sys._current_frames().get(main) if main is not None else None)
                return

    threading.Thread(target=watch, name="warmlint-verify-sigterm", daemon=True).start()


def _left_to_the_thread(signum: int, frame: FrameType | None) -> None:
    """The watching thread answers SIGTERM; the main thread's handler has nothing left to do."""


def _forget_wakeup() -> None:
    """A forked worker (a DataLoader's) has no watching thread: SIGTERM ends it as usual."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
