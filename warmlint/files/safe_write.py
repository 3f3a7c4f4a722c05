"""Write fixed files so that no byte is ever lost.

A file is replaced all at once (temporary file in the same folder, fsync, os.replace),
so a reader, a crash or a kill sees the old bytes or the new ones, never a mix. It is
not replaced if it changed after it was read (an editor saved it, another run fixed it):
the newer bytes win. `fix --apply` finishes the file it is writing when asked to stop
(Ctrl-C, SIGTERM, SIGHUP) and then stops, so no temporary file is left behind; only
SIGKILL can strand one, and the next run that fixes that file removes it.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".warmlint-tmp"
# A temporary file lives for milliseconds; one this old was stranded by a killed run.
STALE_AFTER_SECONDS = 600
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class FileChangedError(OSError):
    """The file on disk is no longer the one that was fixed."""


def is_writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> bool:
    """Replace the file's contents with `data`, keeping its permissions.

    With `expected` (the bytes the fix was computed from), the file is replaced only if it
    still holds them; returns False when it already holds `data` (nothing to write).
    """
    if not is_writable(path):
        raise PermissionError(f"{path} is not writable")
    if expected is not None:
        current = path.read_bytes()
        if current == data:
            return False
        if current != expected:
            raise FileChangedError(f"{path} changed while it was being fixed; left as it is now")
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut after it must not bring the old file back)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(descriptor)


def remove_stale_temporaries(path: Path, now: float | None = None) -> int:
    """Delete temporary files a killed run left next to `path`; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    for leftover in path.parent.glob(f".{_glob_escape(path.name)}.*{TEMP_SUFFIX}"):
        try:
            if now - leftover.lstat().st_mtime > STALE_AFTER_SECONDS:
                leftover.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


class StopRequest:
    """Which stop signal arrived, if any, while signals were deferred."""

    def __init__(self) -> None:
        self.signal: int | None = None

    @property
    def name(self) -> str:
        return signal.Signals(self.signal).name if self.signal else ""

    @property
    def exit_code(self) -> int:
        return 128 + (self.signal or 0)


@contextmanager
def deferred_stop_signals():
    """Turn Ctrl-C, SIGTERM and SIGHUP into a request that the caller checks between files."""
    request = StopRequest()

    def remember(signum, _frame):
        request.signal = request.signal or signum

    previous = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, remember)
    except ValueError:  # not the main thread: signals cannot be caught here, leave them alone
        pass
    try:
        yield request
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
