"""How fast is `warmlint check` compared with parsing alone?

    python benchmarks/bench_check.py [--corpus DIR] [--limit N] [--max-kb K] [--repeat R]

Times warmlint's engine (`warmlint.runner.check_files` with the default Config) and a
plain `libcst.parse_module` loop over the same files, in the same process, over two
corpora: the repository's fixtures, and a large tree of real Python code (by default the
installed `torch` package's own `.py` files, located without importing torch). Each
measurement is repeated and the median is reported. The ratio (warmlint time / parse
time) is what matters: parsing is the floor no libcst-based linter can go below.

The default corpus sample keeps files of at most --max-kb kilobytes (training scripts are
small; a few generated multi-megabyte modules would otherwise dominate the time), spread
evenly over the sorted file list, so that the default run stays within about two minutes
on two cores.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
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
from warmlint.runner import check_files  # noqa: E402


@dataclass
class Row:
    name: str
    files: int
    megabytes: float
    parse_s: float
    check_s: float
    diagnostics: int
    parse_failures: int
    check_errors: int

    @property
    def ratio(self) -> float:
        return self.check_s / self.parse_s if self.parse_s else float("nan")


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


def time_check(files: list[Path], config: Config) -> tuple[float, int, int]:
    gc.collect()
    start = time.perf_counter()
    results = check_files(files, config)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.diagnostics) for r in results), sum(1 for r in results if r.error)


def measure(name: str, files: list[Path], repeat: int) -> Row:
    config = Config()
    parse_times, check_times = [], []
    failures = diagnostics = errors = 0
    for run in range(repeat):
        # Alternate the order so that neither side always runs second, on a warmer cache.
        for side in ("parse", "check") if run % 2 == 0 else ("check", "parse"):
            if side == "parse":
                elapsed, failures = time_parse(files)
                parse_times.append(elapsed)
            else:
                elapsed, diagnostics, errors = time_check(files, config)
                check_times.append(elapsed)
    size = sum(p.stat().st_size for p in files) / 1e6
    return Row(name, len(files), size, statistics.median(parse_times), statistics.median(check_times),
               diagnostics, failures, errors)


def print_table(rows: list[Row], repeat: int) -> None:
    print(f"warmlint check vs libcst.parse_module, median of {repeat} runs "
          f"(Python {platform.python_version()}, libcst {_version('libcst')})")
    header = (f"{'corpus':<28} {'files':>6} {'MB':>6} {'parse s':>8} {'parse f/s':>10} "
              f"{'check s':>8} {'check f/s':>10} {'ratio':>6} {'diags':>6}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row.name:<28} {row.files:>6} {row.megabytes:>6.2f} {row.parse_s:>8.2f} "
              f"{row.files / row.parse_s:>10.1f} {row.check_s:>8.2f} {row.files / row.check_s:>10.1f} "
              f"{row.ratio:>5.2f}x {row.diagnostics:>6}")
    for row in rows:
        if row.parse_failures or row.check_errors:
            print(f"note: {row.name}: {row.parse_failures} files failed to parse, "
                  f"{row.check_errors} could not be checked")
    print("ratio = warmlint time / parse time (1.00x would mean the analysis is free)")


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
    parser.add_argument("--max-kb", type=float, default=10,
                        help="skip corpus files larger than this (default 10; 0 keeps every size)")
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
    limit_note = f"<= {args.max_kb:g} KB" if max_bytes else "all sizes"

    started = time.perf_counter()
    rows = [measure("fixtures", fixtures, args.repeat),
            measure(f"{label} ({limit_note})", corpus, args.repeat)]
    print_table(rows, args.repeat)
    print(f"corpus: {root}; total wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
