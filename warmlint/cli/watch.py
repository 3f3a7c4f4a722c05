"""`warmlint check --watch`: check, then check again whenever a checked file changes.

Changes are found by polling: each round the paths are discovered again (so new and removed
files count) and every file's modification time and size compared with the last round's. No
file-watching dependency is needed, and the results cache makes a re-check cost the changed
files only. Ctrl-C or SIGTERM ends the watch with exit status 0 and no traceback.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from warmlint.cli.common import EXIT_CLEAN

# How often the files are looked at; short enough to feel immediate, long enough to cost nothing.
POLL_SECONDS = 0.5
# A change is reported by name for at most this many files.
NAMED_CHANGES = 3

WATCHING = "Watching for file changes (Ctrl-C to stop)."

Snapshot = dict[Path, tuple[int, int]]


class _Stop(Exception):
    """Raised by the SIGTERM handler so the loop ends the way Ctrl-C ends it."""


def snapshot(files: list[Path]) -> Snapshot:
    """(modification time, size) of each file; a file gone since it was found is left out."""
    states: Snapshot = {}
    for path in files:
        try:
            status = path.stat()
        except OSError:
            continue
        states[path] = (status.st_mtime_ns, status.st_size)
    return states


def changed_paths(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, in order."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def _status(message: str) -> None:
    click.echo(f"[{datetime.now():%H:%M:%S}] {message}", err=True)


def _describe(paths: list[Path]) -> str:
    named = ", ".join(str(path) for path in paths[:NAMED_CHANGES])
    more = len(paths) - NAMED_CHANGES
    return named + (f" and {more} more" if more > 0 else "")


def watch(check_round: Callable[[], None], find_files: Callable[[], list[Path]]) -> NoReturn:
    """Run `check_round` (which prints a report), then again after every change to the files
    `find_files` (discovery alone) finds; returns only by exiting. Each snapshot is taken before
    its round, so a file saved while a round runs is checked again."""

    def stop(_signal: int, _frame: object) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        _status("Checking in watch mode.")
        checked = snapshot(find_files())
        check_round()
        _status(WATCHING)
        while True:
            time.sleep(POLL_SECONDS)
            current = snapshot(find_files())
            changes = changed_paths(checked, current)
            if not changes:
                continue
            _status(f"File change detected: {_describe(changes)}; checking again.")
            checked = current
            check_round()
            _status(WATCHING)
    except (KeyboardInterrupt, _Stop):
        _status("Stopped watching.")
        sys.exit(EXIT_CLEAN)
    finally:
        signal.signal(signal.SIGTERM, previous)
