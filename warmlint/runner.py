"""Lint many files: read each once, isolate failures, return results in a stable order."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from warmlint.config import Config
from warmlint.engine import FileResult, check_source, syntax_error
from warmlint.rules import all_codes
from warmlint.selection import enabled_codes

MAX_FILE_BYTES = 8 * 1024 * 1024  # a training script is never this big; generated code is skipped


def read_source(path: Path) -> tuple[bytes | None, str | None]:
    """The file's bytes, or a one-line reason why they cannot be checked."""
    try:
        if not path.is_file():
            return None, "not a regular file"
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, f"skipped: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "no such file (it disappeared before it could be read)"
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"


def check_file(path: Path, config: Config) -> FileResult:
    data, problem = read_source(path)
    if data is None:
        return FileResult(str(path), error=problem)
    return check_bytes(data, str(path), config)


def check_bytes(data: bytes | str, display_path: str, config: Config) -> FileResult:
    """Lint one file; an internal error is reported for that file instead of ending the run."""
    return on_deep_stack(_check_isolated, data, display_path, config)


def _check_isolated(data: bytes | str, display_path: str, config: Config) -> FileResult:
    try:
        return check_source(data, display_path, config)
    except RecursionError:
        # Valid Python nested deeper than even the raised limit: say so, do not crash.
        if "WL000" not in enabled_codes(config, display_path, all_codes()):
            return FileResult(display_path)
        return FileResult(display_path, [syntax_error(display_path, 1, 1, "too deeply nested to analyse")])
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(display_path, error=f"internal error: {type(error).__name__}: {error}")


def check_files(paths: list[Path], config: Config) -> list[FileResult]:
    results = on_deep_stack(lambda: [check_file(path, config) for path in paths])
    results.sort(key=lambda r: r.path)
    return results


# Deeply nested but valid code: libcst's native parser recurses on the C stack once per
# nesting level and kills the process (SIGSEGV) past about 1,300 nested brackets on an
# 8 MB main-thread stack, and its Python visitors exceed the default recursion limit on a
# ~330-term `a + b + ...` chain or a ~500-branch elif. Checks therefore run on a worker
# thread with a large stack and a raised recursion limit.
DEEP_STACK_BYTES = 256 * 1024 * 1024  # virtual; only the pages touched are committed
DEEP_RECURSION_LIMIT = 20_000
_deep = threading.local()


def on_deep_stack(function, *args):
    """`function(*args)` on a thread with a large stack (re-entrant; falls back to a plain call)."""
    if getattr(_deep, "active", False):
        return function(*args)
    outcome: list = []

    def work() -> None:
        _deep.active = True
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            outcome.append((False, error))

    old_limit = sys.getrecursionlimit()
    try:
        old_stack = threading.stack_size(DEEP_STACK_BYTES)
    except (ValueError, RuntimeError):
        return function(*args)
    worker = threading.Thread(target=work, name="warmlint-check", daemon=True)
    sys.setrecursionlimit(max(old_limit, DEEP_RECURSION_LIMIT))
    try:
        try:
            worker.start()
        except RuntimeError:  # no memory for the stack: run here, with the default limits
            sys.setrecursionlimit(old_limit)
            return function(*args)
        finally:
            threading.stack_size(old_stack)
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
