"""Does `warmlint check` take time linear in the number and the size of files, in flat memory?

    python benchmarks/bench_scale.py [--workdir DIR] [--torch-files N] [--script FILE] [--copies C]
                                     [--repeat R] [--long S]

Runs `warmlint check --no-cache --exit-zero -q PATH` (the `warmlint` script next to this
Python) as a subprocess on:

- files:        the base corpus (the repository's fixture scripts and N torch source files,
                located without importing torch) at 1x, 4x and 16x the number of files
                (copies, as hard links, in copy1/, copy2/, ...), with the default worker count;
- files -j1:    the same three corpora with `--jobs 1`, without the process pool;
- size:         one file holding C, 4C and 16C copies of a training script (--script, default a
                fixture with a finding), each copy wrapped in its own function `copy_<i>` so
                that the file stays valid Python and every copy is analysed on its own; the
                number of findings must grow with the copies, which shows the analysis ran.

Each row is the best of --repeat wall times (one run only once a run took longer than --long
seconds), with the peak memory of the largest process (wait4) and of the whole process tree
(sampled from /proc every 50 ms), measured as benchmarks/bench_peers.py does. `ratio/scale`
is the time ratio to 1x divided by the scale factor: 1.0 is linear, below 1 means fixed costs
(start-up, the process pool) weigh on the 1x run, above 1 is superlinear. `net/scale` is the
same with the fixed cost of a run (checking a one-line file: start-up, imports, one parse)
taken off every run first.

Shared machines are noisy: compare ratios within one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from bench_peers import (
    LINEAR_SLACK,
    Timing,
    compile_warmlint,
    fmt_mb,
    measure,
    run_date,
    scaled_corpus,
    text_table,
    torch_tree,
    warmlint_command,
    warns_about_config,
)

REPO = Path(__file__).resolve().parent.parent
SCALES = (1, 4, 16)
DEFAULT_SCRIPT = REPO / "fixtures" / "wl008_checkpoint_var" / "train.py"
FINDING = re.compile(r"^\S.*:\d+:\d+: WL\d{3} ", re.MULTILINE)
MEMORY_SLACK = 1.25  # "flat": the 16x corpus's peak memory at most this factor above the 1x one


@dataclass
class Row:
    series: str
    scale: int
    files: int
    kilobytes: float
    timing: Timing

    @property
    def findings(self) -> int:
        return len(FINDING.findall(self.timing.stdout))


# --------------------------------------------------------------------------- corpora


def base_corpus(workdir: Path, torch_files: int) -> Path:
    """The fixture scripts and `torch_files` torch sources of at most 32 KB, spread over the sorted list."""
    base = workdir / "base"
    shutil.rmtree(base, ignore_errors=True)
    for script in sorted((REPO / "fixtures").glob("*/*.py")):
        target = base / "fixtures" / script.relative_to(REPO / "fixtures")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(script, target)
    root = torch_tree()
    if root is None:
        print("note: torch is not installed here; the corpus holds the fixture scripts only")
        return base
    sources = sorted(p for p in root.rglob("*.py") if p.is_file() and p.stat().st_size <= 32 * 1024)
    step = max(1, len(sources) // max(1, torch_files))
    for source in sources[::step][:torch_files]:
        target = base / "torch" / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return base


def copies_of(script: str, copies: int) -> str:
    """`copies` independent copies of a script, each the body of its own function."""
    body = textwrap.indent(script, "    ")
    return "".join(f"def copy_{i}():\n{body}\n\n" for i in range(copies))


def big_file(workdir: Path, script: Path, copies: int) -> Path:
    from warmlint.files.prefilter import may_matter

    folder = workdir / f"size-{copies}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = copies_of(script.read_text(encoding="utf-8"), copies)
    compile(text, script.name, "exec")  # stays valid Python, or the benchmark stops here
    if not may_matter(text.encode()):
        raise SystemExit(f"{script} holds nothing the prefilter parses: pick a training script")
    path = folder / "train.py"
    path.write_text(text, encoding="utf-8")
    return path


def tiny_file(workdir: Path) -> Path:
    """A one-line file: checking it costs start-up, imports and one parse, the fixed cost of every run."""
    path = workdir / "tiny" / "one_line.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("import torch\n", encoding="utf-8")
    return path


def size_of(path: Path) -> tuple[int, float]:
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return len(files), sum(p.stat().st_size for p in files) / 1024


# --------------------------------------------------------------------------- measuring


def check_command(path: Path, jobs: int | None) -> list[str]:
    return [
        *warmlint_command(),
        "check",
        "--no-cache",
        "--exit-zero",
        "-q",
        *(["--jobs", str(jobs)] if jobs else []),
        str(path),
    ]


def run_row(series: str, scale: int, path: Path, jobs: int | None, workdir: Path, args) -> Row:
    print(f"  {series} {scale}x ...", flush=True)
    files, kilobytes = size_of(path)
    timing = measure(check_command(path, jobs), workdir, args.repeat, args.long)
    if timing.returncode != 0:
        raise SystemExit(f"warmlint exited {timing.returncode} on {path}:\n{timing.stderr[-2000:]}")
    return Row(series, scale, files, kilobytes, timing)


def file_series(workdir: Path, base: Path, args) -> list[Row]:
    rows = []
    for jobs, series in ((None, "files"), (1, "files -j1")):
        for factor in SCALES:
            corpus = scaled_corpus(workdir, base, factor)
            rows.append(run_row(series, factor, corpus, jobs, workdir, args))
            shutil.rmtree(corpus, ignore_errors=True)
    return rows


def size_series(workdir: Path, args) -> list[Row]:
    rows = []
    for factor in SCALES:
        path = big_file(workdir, args.script, args.copies * factor)
        rows.append(run_row("size", factor, path, None, workdir, args))
        shutil.rmtree(path.parent, ignore_errors=True)
    return rows


# --------------------------------------------------------------------------- report


def table(rows: list[Row], startup: float) -> tuple[list[str], list[list[str]]]:
    header = [
        "series",
        "scale",
        "files",
        "KB",
        "best s",
        "runs",
        "ms/file",
        "ms/KB",
        "ratio to 1x",
        "ratio/scale",
        "net/scale",
        "peak MB",
        "tree MB",
        "findings",
    ]
    first = {row.series: row for row in rows if row.scale == 1}
    body = []
    for row in rows:
        one, seconds = first[row.series].timing.seconds, row.timing.seconds
        ratio = seconds / one
        net = (seconds - startup) / max(one - startup, 1e-9)
        body.append(
            [
                row.series,
                f"{row.scale}x",
                str(row.files),
                f"{row.kilobytes:.0f}",
                f"{seconds:.2f}",
                str(len(row.timing.times)),
                f"{1000 * seconds / row.files:.1f}",
                f"{1000 * seconds / row.kilobytes:.2f}",
                f"{ratio:.2f}",
                f"{ratio / row.scale:.2f}",
                f"{net / row.scale:.2f}",
                fmt_mb(row.timing.peak_mb),
                fmt_mb(row.timing.tree_mb),
                str(row.findings),
            ]
        )
    return header, body


def verdicts(rows: list[Row]) -> list[str]:
    lines = []
    top = max(SCALES)
    for series in dict.fromkeys(row.series for row in rows):
        one, most = (next(r for r in rows if r.series == series and r.scale == s) for s in (1, top))
        ratio = most.timing.seconds / one.timing.seconds
        ok = ratio <= top * LINEAR_SLACK
        lines.append(
            f"{series}: {top}x takes {ratio:.1f}x the 1x time (linear {top}, limit "
            f"{top * LINEAR_SLACK:g}): {'linear' if ok else 'SUPERLINEAR'}"
        )
        if series.startswith("files"):
            grown = most.timing.peak_mb / one.timing.peak_mb
            flat = grown <= MEMORY_SLACK
            lines.append(
                f"{series}: peak memory {one.timing.peak_mb:.0f} MB at 1x, {most.timing.peak_mb:.0f} MB "
                f"at {top}x ({grown:.2f}x, limit {MEMORY_SLACK:g}; the files grew by "
                f"{(most.kilobytes - one.kilobytes) / 1024:.1f} MB): {'flat' if flat else 'GROWS'}"
            )
        else:
            found = [r.findings for r in rows if r.series == series]
            expected = [one.findings * s for s in SCALES]
            lines.append(
                f"{series}: findings {found} (proportional: {expected}): "
                f"{'the analysis ran on every copy' if found == expected and found[0] else 'CHECK'}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "warmlint-scale",
        help="where the corpora are written (default: %(default)s)",
    )
    parser.add_argument(
        "--torch-files",
        type=int,
        default=100,
        help="torch source files in the base corpus, next to the fixtures (default 100)",
    )
    parser.add_argument(
        "--script",
        type=Path,
        default=DEFAULT_SCRIPT,
        help="training script repeated in the size series (default: %(default)s)",
    )
    parser.add_argument("--copies", type=int, default=8, help="copies of --script in the 1x file (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row, the best is shown (default 3)")
    parser.add_argument(
        "--long",
        type=float,
        default=60,
        help="a row whose run took longer than this many seconds is not repeated (default 60)",
    )
    args = parser.parse_args(argv)
    if args.torch_files < 0 or args.copies < 1 or args.repeat < 1:
        parser.error("--torch-files must be at least 0, --copies and --repeat at least 1")
    args.script = args.script.resolve()

    started = time.perf_counter()
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    notes = warns_about_config(workdir)
    problem = compile_warmlint()
    if problem:
        notes.append(f"note: warmlint's modules could not be byte-compiled first: {problem}")
    load = (
        f", load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start"
        if hasattr(os, "getloadavg")
        else ""
    )
    print(f"date: {run_date()}")
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs{load}"
    )

    base = base_corpus(workdir, args.torch_files)
    files, kilobytes = size_of(base)
    script = args.script.relative_to(REPO) if args.script.is_relative_to(REPO) else args.script
    print(
        f"base corpus: {files} files, {kilobytes:.0f} KB; size series: {script} x "
        + ", x ".join(str(args.copies * factor) for factor in SCALES)
    )
    startup = measure(check_command(tiny_file(workdir), None), workdir, args.repeat, args.long).seconds
    rows = file_series(workdir, base, args) + size_series(workdir, args)

    header, body = table(rows, startup)
    print(
        f"\nbest of {args.repeat} runs (one only where a run took over {args.long:g} s); "
        f"fixed cost (a one-line file): {startup:.2f} s"
    )
    print("\n".join(text_table(header, body)))
    print()
    print("\n".join(verdicts(rows)))
    for note in notes:
        print(note)
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
