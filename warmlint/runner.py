"""Lint many files: read each once, isolate failures, return results in a stable order."""

from __future__ import annotations

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
    try:
        return check_source(data, display_path, config)
    except RecursionError:
        # Valid Python nested deeper than the analysis can follow (e.g. 1,000 nested
        # operators): report it like a file that is too deep to parse, not as a crash.
        if "WL000" not in enabled_codes(config, display_path, all_codes()):
            return FileResult(display_path)
        return FileResult(display_path, [syntax_error(display_path, 1, 1, "too deeply nested to analyse")])
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(display_path, error=f"internal error: {type(error).__name__}: {error}")


def check_files(paths: list[Path], config: Config) -> list[FileResult]:
    results = [check_file(path, config) for path in paths]
    results.sort(key=lambda r: r.path)
    return results
