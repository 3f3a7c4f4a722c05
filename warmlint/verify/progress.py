"""Live progress of a verify run: the child keeps its latest optimizer step in a small file, the parent shows it.

Both sides import this module (it never imports torch). The child overwrites the file a few times a
second at most (`Throttle`); the parent polls it on a thread while it waits for the child and hands
each new step to a listener, which the command line sets with `showing_progress`: the library
function `verify()` stays silent, and no printer has to be threaded through every layer in between.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

# The child writes at most this often...
WRITE_INTERVAL_SECONDS = 0.2
# ...the parent looks this often...
POLL_INTERVAL_SECONDS = 0.1
# ...and away from a terminal, prints a line at most this often.
PLAIN_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class Progress:
    """How far the run got: optimizer steps taken (by the optimizer the stop counts) and the LR of the last one."""

    step: int
    lr: float
    # The steps the child expects to take, once it has read the run's length from the script's
    # variables (`epochs * len(loader)`): fewer than --steps when the run is shorter. None: --steps.
    expected: int | None = None


def progress_path(report_path: str | Path) -> Path:
    """Where the child of a run keeps its progress: next to its report, so no other setting is needed."""
    return Path(f"{report_path}.progress")


def write_progress(path: Path, progress: Progress) -> None:
    """Replace the file atomically, so the parent never reads half a line."""
    partial = path.with_name(path.name + ".partial")
    expected = f" {progress.expected}" if progress.expected else ""
    partial.write_text(f"{progress.step} {progress.lr!r}{expected}\n", encoding="utf-8")
    os.replace(partial, path)


def read_progress(path: Path) -> Progress | None:
    try:
        step, lr, *expected = path.read_text(encoding="utf-8").split()
        return Progress(int(step), float(lr), int(expected[0]) if expected else None)
    except (OSError, ValueError, IndexError):
        return None


class Throttle:
    """Lets an event through at most once per interval; the first one always."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._next = -math.inf

    def ready(self) -> bool:
        now = self._clock()
        if now < self._next:
            return False
        self._next = now + self._interval
        return True


def format_progress(progress: Progress, limit: int, gap: str = "  ") -> str:
    """``step 37/50  lr 2.1e-04``: steps taken of those the script will take (as far as verify
    knows them: never fewer than it has taken)."""
    return f"step {progress.step}/{max(limit, progress.step)}{gap}lr {progress.lr:.1e}"


class ProgressListener(Protocol):
    def update(self, progress: Progress, limit: int) -> None: ...

    def finish(self) -> None: ...


class TerminalProgress:
    """One line rewritten in place, erased when the run ends so the report starts on a clean line."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._width = 0

    def update(self, progress: Progress, limit: int) -> None:
        text = f"  {format_progress(progress, limit)}"
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = max(self._width, len(text))

    def finish(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


class PlainProgress:
    """For logs and pipes: a whole line for the first step, then one every few seconds."""

    def __init__(
        self, stream: TextIO, interval: float = PLAIN_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._throttle = Throttle(interval, clock)

    def update(self, progress: Progress, limit: int) -> None:
        if self._throttle.ready():
            self._stream.write(f"warmlint verify: {format_progress(progress, limit, gap=' ')}\n")
            self._stream.flush()

    def finish(self) -> None:
        self._throttle = Throttle(self._interval, self._clock)  # the next run (--compare) gets its first line too


def progress_printer(stream: TextIO) -> ProgressListener:
    return TerminalProgress(stream) if stream.isatty() else PlainProgress(stream)


_LISTENER: ContextVar[ProgressListener | None] = ContextVar("warmlint_verify_progress", default=None)


@contextmanager
def showing_progress(listener: ProgressListener | None) -> Iterator[None]:
    """Show the progress of the runs started inside the block (None: show nothing)."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


@contextmanager
def watch_progress(path: Path, limit: int) -> Iterator[None]:
    """While the block waits for the child, poll its progress file and pass each new step to the listener."""
    listener = _LISTENER.get()
    if listener is None:
        yield
        return
    done = threading.Event()

    def poll() -> None:
        last_step, finished = 0, False
        while not finished:
            finished = done.wait(POLL_INTERVAL_SECONDS)  # one last look after the child is gone
            progress = read_progress(path)
            if progress is not None and progress.step != last_step:
                listener.update(progress, min(limit, progress.expected or limit))
                last_step = progress.step

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        listener.finish()
