"""How fast is `warmlint check` compared with parsing alone?

    python benchmarks/bench_check.py [--corpus DIR] [--limit N] [--max-kb K] [--repeat R]

Times, in the same process and over the same files, for two corpora (the repository's
fixtures, and a large tree of real Python code: by default the installed `torch`
package's own `.py` files, located without importing torch):

- parse:  a plain `libcst.parse_module` loop, one process. The floor for any libcst linter.
- engine: `warmlint.files.runner.check_files` with the default Config, every file parsed and
          analysed in one process (all files passed as `explicit`, `jobs=1`, no cache).
          engine / parse is the cost of the analysis itself.
- check:  `check_files` as `warmlint check DIR --no-cache` calls it: the byte prefilter
          skips files that cannot matter, and big runs use a process pool.

Each measurement is repeated and the median is reported. The default corpus sample keeps
files of at most --max-kb kilobytes (training scripts are small; a few multi-megabyte
modules would otherwise dominate), spread evenly over the sorted file list, so that the
default run stays within about two minutes on two cores.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import libcst

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from warmlint.config import Config  # noqa: E402
from warmlint.files.runner import check_files  # noqa: E402


@dataclass
class Row:
    name: str
    files: int
    megabytes: float
    parse_s: float
    engine_s: float
    check_s: float
    diagnostics: int
    parse_failures: int
    check_errors: int


def torch_tree() -> Path:
    spec = importlib.util.find_spec("torch")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("torch is not installed; pass --corpus DIR")
    return Path(next(iter(spec.submodule_search_locations)))


def sample(root: Path, limit: int, max_bytes: int | None) -> list[Path]:
    """Up to `limit` files no larger than `max_bytes`, spread evenly over the sorted list."""
    files = sorted(p for p in root.rglob("*.py") if p.is_file())
    if max_bytes is not None:
        files = [p for p in files if p.stat().st_size <= max_bytes]
    if len(files) <= limit:
        return files
    step = len(files) / limit
    return [files[int(i * step)] for i in range(limit)]


def time_parse(files: list[Path]) -> tuple[float, int]:
    failures = 0
    gc.collect()
    start = time.perf_counter()
    for path in files:
        try:
            libcst.parse_module(path.read_bytes())
        except Exception:  # noqa: BLE001 - count it, keep timing
            failures += 1
    return time.perf_counter() - start, failures


def time_check(files: list[Path], config: Config, every_file: bool) -> tuple[float, int, int]:
    gc.collect()
    start = time.perf_counter()
    if every_file:
        results = check_files(files, lambda _: config, explicit=frozenset(files), jobs=1)
    else:
        results = check_files(files, lambda _: config)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.diagnostics) for r in results), sum(1 for r in results if r.error)


def measure(name: str, files: list[Path], repeat: int) -> Row:
    config = Config()
    times: dict[str, list[float]] = {"parse": [], "engine": [], "check": []}
    failures = diagnostics = errors = 0
    sides = list(times)
    for run in range(repeat):
        # Rotate the order so that no side always runs first, on a colder cache.
        for side in sides[run % 3 :] + sides[: run % 3]:
            if side == "parse":
                elapsed, failures = time_parse(files)
            else:
                elapsed, found, problems = time_check(files, config, every_file=side == "engine")
                if side == "engine":
                    diagnostics, errors = found, problems
            times[side].append(elapsed)
    size = sum(p.stat().st_size for p in files) / 1e6
    median = {side: statistics.median(values) for side, values in times.items()}
    return Row(
        name, len(files), size, median["parse"], median["engine"], median["check"], diagnostics, failures, errors
    )


def print_table(rows: list[Row], repeat: int) -> None:
    print(
        f"warmlint check vs libcst.parse_module, median of {repeat} runs "
        f"(Python {platform.python_version()}, libcst {_version('libcst')}, {os.cpu_count()} CPUs)"
    )
    header = (
        f"{'corpus':<20} {'files':>5} {'MB':>5} | {'parse s':>7} {'files/s':>7} | "
        f"{'engine s':>8} {'files/s':>7} {'ratio':>6} | {'check s':>7} {'files/s':>7} {'ratio':>6} | "
        f"{'diags':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:<20} {row.files:>5} {row.megabytes:>5.2f} | "
            f"{row.parse_s:>7.2f} {row.files / row.parse_s:>7.1f} | "
            f"{row.engine_s:>8.2f} {row.files / row.engine_s:>7.1f} {row.engine_s / row.parse_s:>5.2f}x | "
            f"{row.check_s:>7.2f} {row.files / row.check_s:>7.1f} {row.check_s / row.parse_s:>5.2f}x | "
            f"{row.diagnostics:>5}"
        )
    for row in rows:
        if row.parse_failures or row.check_errors:
            print(
                f"note: {row.name}: {row.parse_failures} files failed to parse, {row.check_errors} could not be checked"
            )
    print(
        "ratio = time / parse time. engine: every file parsed and analysed in one process; "
        "check: as `warmlint check --no-cache` runs (prefilter, process pool for big runs)."
    )


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="tree of Python files (default: the installed torch package)")
    parser.add_argument("--limit", type=int, default=800, help="at most this many corpus files (default 800)")
    parser.add_argument(
        "--max-kb", type=float, default=10, help="skip corpus files larger than this (default 10; 0 keeps every size)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    args = parser.parse_args(argv)
    if args.limit < 1 or args.repeat < 1:
        parser.error("--limit and --repeat must be at least 1")

    fixtures = sorted((REPO / "fixtures").glob("*/*.py"))
    root = args.corpus or torch_tree()
    if not root.is_dir():
        parser.error(f"{root} is not a directory")
    max_bytes = int(args.max_kb * 1024) if args.max_kb > 0 else None
    corpus = sample(root, args.limit, max_bytes)
    if not corpus:
        parser.error(f"no Python files under {root}")
    label = "torch" if args.corpus is None else root.name
    limit_note = f"<={args.max_kb:g}KB" if max_bytes else "all sizes"

    started = time.perf_counter()
    rows = [measure("fixtures", fixtures, args.repeat), measure(f"{label} ({limit_note})", corpus, args.repeat)]
    print_table(rows, args.repeat)
    print(f"corpus: {root}; total wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
