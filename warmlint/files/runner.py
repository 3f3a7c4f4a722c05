"""Lint many files: read each once, isolate failures, return results in a stable order."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from warmlint.config import Config
from warmlint.configs import MAX_CONFIG_BYTES, is_config_path, may_be_config
from warmlint.diagnostics import FileFix, FileResult
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.selection import enabled_codes
from warmlint.files.cache import ResultCaches, content_hash
from warmlint.files.prefilter import builds_what_rules_need, may_matter
from warmlint.notebook import NotebookError, is_notebook, read_notebook
from warmlint.rule_index import all_codes

MAX_FILE_BYTES = 8 * 1024 * 1024  # a training script is never this big; generated code is skipped


TOO_LARGE = "skipped: larger than"


def read_source(path: Path) -> tuple[bytes | None, str | None]:
    """The file's bytes, or a one-line reason why they cannot be checked."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return None, f"{TOO_LARGE} {MAX_FILE_BYTES // (1024 * 1024)} MB"
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "no such file (removed after the run started, or a broken symlink)"
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"


def read_config_file(path: Path) -> tuple[bytes | None, str | None]:
    """A YAML or JSON file's bytes, as `read_source` gives them, in one open, fstat and read: most
    such files are data that the prefilter rejects at once, so what reading costs is most of what
    they cost. Opened without blocking, so a FIFO named `x.json` is refused rather than waited on."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, "no such file (removed after the run started, or a broken symlink)"
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > MAX_CONFIG_BYTES:
            return None, f"{TOO_LARGE} {MAX_CONFIG_BYTES // 1024} kB"
        chunks = [os.read(handle, info.st_size + 1)]
        while chunks[-1] and sum(map(len, chunks)) <= MAX_CONFIG_BYTES:  # a file that grew meanwhile
            chunks.append(os.read(handle, MAX_CONFIG_BYTES))
        data = b"".join(chunks)
        return (data, None) if len(data) <= MAX_CONFIG_BYTES else (None, f"{TOO_LARGE} {MAX_CONFIG_BYTES // 1024} kB")
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"
    finally:
        os.close(handle)


def check_bytes(data: bytes | str, display_path: str, config: Config) -> FileResult:
    """Lint one file; an internal error is reported for that file instead of ending the run."""
    return on_deep_stack(_check_isolated, data, display_path, config)


def _check_isolated(data: bytes | str, display_path: str, config: Config) -> FileResult:
    # Imported here, not at the top: a run answered from the cache never needs the parser.
    from warmlint.engine.lint import check_source, syntax_error

    try:
        return check_source(data, display_path, config)
    except RecursionError:
        # Valid Python nested deeper than even the raised limit: say so, do not crash.
        if "WL000" not in enabled_codes(config, display_path, all_codes()):
            return FileResult(display_path)
        return FileResult(display_path, [syntax_error(display_path, 1, 1, "too deeply nested to analyse")])
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(display_path, error=f"internal error: {type(error).__name__}: {error}")


def check_files(
    paths: list[Path],
    config_for: Callable[[Path], Config],
    explicit: frozenset[Path] = frozenset(),
    caches: ResultCaches | None = None,
    jobs: int | None = None,
    with_fixes: bool = False,
    with_lines: bool = False,
) -> list[FileResult]:
    """Check many files: skipped without a libcst parse when they cannot matter (unless
    named explicitly), answered from the cache when unchanged, parsed in a process pool
    when there is enough work to gain from one. No file's bytes are held longer than its own
    check, so memory does not grow with the size of the tree.

    `config_for` gives each file its own settings (those of its folder, see files.settings).
    `with_fixes`: also give each file with a fixable diagnostic its `FileFix`, from the same
    bytes and config (the cache holds no fixes, so such files are checked again).
    `with_lines`: also give each result the text of the lines its diagnostics are on
    (`FileResult.flagged`), from the same bytes."""
    results: list[FileResult] = []
    pending: list[tuple[Path, Config]] = []
    for path in paths:
        config_file = is_config_path(path.name)
        # A YAML or JSON file is mostly not a config: its bytes are tested before its settings are looked up.
        config = None if config_file else config_for(path)
        data, problem = read_config_file(path) if config_file else read_source(path)
        if data is None:
            # A YAML or JSON file too large for a config is data: skipped, even when named.
            skipped = config_file and problem is not None and problem.startswith(TOO_LARGE)
            results.append(FileResult(str(path), error=None if skipped else problem))
            continue
        if (config_file and not may_be_config(data)) or (path not in explicit and not may_matter(data)):
            # Config files are prefiltered even when named: pre-commit names every YAML and JSON file.
            results.append(FileResult(str(path)))
            continue
        config = config or config_for(path)
        cache = caches.for_config(config) if caches is not None else None
        digest = content_hash(data)
        cached = cache.get(str(path), digest) if cache is not None else None
        if cached is not None and not (with_fixes and any(d.fixable for d in cached)):
            hit = FileResult(str(path), cached)
            results.append(add_flagged_lines(hit, data) if with_lines else hit)
            continue
        if not config_file and path not in explicit and not builds_what_rules_need(_python_of(path, data)):
            results.append(FileResult(str(path)))
            if cache is not None:
                cache.put(str(path), digest, [])
            continue
        pending.append((path, config))
    for (_, config), (result, checked_hash) in zip(pending, _check_many(pending, jobs, with_fixes, with_lines)):
        if caches is not None and checked_hash is not None:
            caches.for_config(config).put(result.path, checked_hash, result.diagnostics)
        results.append(result)
    if caches is not None:
        caches.save()
    results.sort(key=lambda r: r.path)
    return results


def _python_of(path: Path, data: bytes) -> bytes:
    """The Python code in the file: a notebook's code cells (its JSON would parse as one dict)."""
    if not is_notebook(path.name):
        return data
    try:
        return read_notebook(data).code.encode("utf-8")
    except NotebookError:
        return data  # the full check reports why it is not a notebook


# Below this many files to parse, starting worker processes costs more than it saves
# (measured with benchmarks/bench_check.py on 2 cores).
PARALLEL_MIN_FILES = 48


def _check_many(
    pending: list[tuple[Path, Config]], jobs: int | None, with_fixes: bool, with_lines: bool
) -> list[tuple[FileResult, str | None]]:
    """Results in the order of `pending`."""
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(pending) < PARALLEL_MIN_FILES:
        return on_deep_stack(lambda: [_check_path((path, config, with_fixes, with_lines)) for path, config in pending])
    from concurrent.futures import ProcessPoolExecutor  # costs 15 ms to import; most runs need none

    chunk = max(1, len(pending) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        work = [(path, config, with_fixes, with_lines) for path, config in pending]
        return list(pool.map(_check_path, work, chunksize=chunk))


def _check_path(job: tuple[Path, Config, bool, bool]) -> tuple[FileResult, str | None]:
    """Read and check one file; with the hash of the bytes checked (None: nothing to cache).

    The file is read again here rather than passed along: the bytes of a whole tree never sit
    in memory at once, and if the file changed since the first read, the cache gets the hash
    of what was really checked."""
    path, config, with_fixes, with_lines = job
    data, problem = read_config_file(path) if is_config_path(path.name) else read_source(path)
    if data is None:
        return FileResult(str(path), error=problem), None
    checked = check_bytes(data, str(path), config)
    result = _portable(checked)
    if with_fixes and any(d.fixable for d in result.diagnostics):
        result.fix = _file_fix(data, checked, config)  # the fixer starts from this check's parse and model
    if with_lines:
        result = add_flagged_lines(result, data)
    return result, (content_hash(data) if result.error is None else None)


def add_flagged_lines(result: FileResult, data: bytes | str) -> FileResult:
    """`result` with the text of the lines its diagnostics are on, read from `data`, its file's contents."""
    if result.diagnostics:
        from warmlint.output.fingerprints import flagged_lines

        result.flagged = flagged_lines(data, result.path, result.diagnostics)
    return result


def _portable(result: FileResult) -> FileResult:
    """What a check reports, without the syntax tree and fix edits (they cannot cross processes)."""
    return FileResult(result.path, [replace(d, fix_data=None) for d in result.diagnostics], result.error)


def _file_fix(data: bytes, checked: FileResult, config: Config) -> FileFix | None:
    from warmlint.engine.fixer import file_fix  # like check_bytes: only files that are parsed need it

    return on_deep_stack(file_fix, data, checked.path, config, checked)
