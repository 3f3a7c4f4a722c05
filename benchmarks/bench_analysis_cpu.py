"""The analysis on top of the parse, in CPU seconds: `warmlint check --no-cache` over a tree of
training code against `libcst.parse_module` of every Python file in it, measured in one run.

    python benchmarks/bench_analysis_cpu.py [--corpus DIR] [--repeat R]

CPU seconds (user + system, the check's worker processes included) are steadier than wall time
on a shared machine; the ratio `(check - parse) / parse` is what the analysis costs per unit of
parsing. The default corpus is the dev corpus beside the checkout (its `.py` files).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst

REPO = Path(__file__).resolve().parent.parent


def python_tree(source: Path, target: Path) -> list[Path]:
    """The `.py` files of `source`, copied under `target` (so that check reads only those)."""
    files = []
    for path in sorted(source.rglob("*.py")):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
        files.append(copy)
    return files


def parse_cpu(files: list[Path]) -> float:
    start = time.process_time()
    for path in files:
        try:
            cst.parse_module(path.read_bytes())
        except Exception:  # noqa: BLE001 - a file libcst cannot parse costs what it cost
            pass
    return time.process_time() - start


def check_cpu(tree: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "warmlint", "check", "--no-cache", "--exit-zero", "-q", str(tree)]
    subprocess.run(command, stdout=subprocess.DEVNULL, cwd=tree, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "dev-corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, alternated (default 3)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warmlint-bench-") as folder:
        tree = Path(folder)
        (tree / "pyproject.toml").write_text("")  # the defaults, whatever lies above the copy
        files = python_tree(options.corpus, tree)
        ratios = []
        for _ in range(options.repeat):
            parse, check = parse_cpu(files), check_cpu(tree)
            ratios.append((check - parse) / parse)
            print(f"parse {parse:6.1f} s CPU   check {check:6.1f} s CPU   analysis / parse {ratios[-1]:5.2f}")
        print(f"{len(files)} files; median analysis / parse: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
