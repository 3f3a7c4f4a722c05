"""How much does `warmlint fix` (the dry run) cost next to `warmlint check` on the same tree?

    python benchmarks/bench_fix.py [--corpus DIR] [--limit N] [--max-kb K] [--repeat R]

Both commands run as the user runs them, each in a fresh subprocess, over the same copy of a
large tree of real Python code (by default the installed `torch` package's own `.py` files,
located without importing torch, sampled as `bench_check.py` samples them):

- check: `warmlint check --no-cache --exit-zero -q TREE`
- fix:   `warmlint fix TREE` (shows the diffs, writes nothing)

A real tree has little to fix, so `fix` should cost about what `check` does: it runs the same
check and parses again only the files with a fix to make. Target: fix / check <= 1.3, in CPU
seconds of the subprocess and its workers (wall time is printed too; on a shared machine it is
the noisier of the two). Each side is repeated and the median is reported.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import sample, torch_tree  # noqa: E402

TARGET = 1.3
COMMANDS = {
    "check": ["check", "--no-cache", "--exit-zero", "-q"],
    "fix": ["fix"],
}


def copy_tree(files: list[Path], root: Path, target: Path) -> None:
    """The sample under `target`, at the same relative paths (so both commands see one tree)."""
    for path in files:
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def run(side: str, tree: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and its workers), and the last line it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "warmlint", *COMMANDS[side], str(tree)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"warmlint {side} failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = (done.stdout + done.stderr).strip().splitlines()
    return wall, cpu, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="a tree of .py files (default: the installed torch package)")
    parser.add_argument("--limit", type=int, default=1500, help="files in the sample (0: all)")
    parser.add_argument("--max-kb", type=int, default=200, help="skip files larger than this")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.corpus or torch_tree()
    files = sample(root, args.limit or 10**9, args.max_kb * 1024 if args.max_kb else None)
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        copy_tree(files, root, tree)
        times: dict[str, list[tuple[float, float]]] = {side: [] for side in COMMANDS}
        summary = {}
        for repetition in range(args.repeat):
            sides = list(COMMANDS) if repetition % 2 == 0 else list(reversed(COMMANDS))  # neither always first
            for side in sides:
                wall, cpu, summary[side] = run(side, tree)
                times[side].append((wall, cpu))
    wall = {side: statistics.median(w for w, _ in values) for side, values in times.items()}
    cpu = {side: statistics.median(c for _, c in values) for side, values in times.items()}
    print(f"{len(files)} files from {root}, median of {args.repeat} runs, {os.cpu_count()} CPUs")
    for side in COMMANDS:
        print(f"  {side:<5} wall {wall[side]:7.2f} s   cpu {cpu[side]:7.2f} s   | {summary[side]}")
    ratio = cpu["fix"] / cpu["check"]
    print(f"fix / check: cpu {ratio:.2f}x, wall {wall['fix'] / wall['check']:.2f}x (target: cpu <= {TARGET}x)")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
