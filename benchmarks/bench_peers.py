"""How fast is `warmlint check` next to other libcst linters, on real code anyone can rebuild?

    python benchmarks/bench_peers.py [--workdir DIR] [--limit N] [--skip-peers] [--repeat R] [--long S]

Run it with the Python that has warmlint installed. In one run, over the same files:

- libcst.parse_module: a plain parse of every file, one process (the floor for any libcst tool),
- warmlint cold:       `warmlint check --no-cache --exit-zero -q CORPUS`,
- warmlint warm:       `warmlint check --exit-zero -q CORPUS` with the cache filled by a previous run,
- TorchFix:            `torchfix --select ALL CORPUS`, installed in DIR/venv-torchfix (it pins libcst < 1.6),
- Fixit:               `fixit lint CORPUS` with its default rules, installed in DIR/venv-fixit,

then warmlint cold again on 1x, 4x and 16x the corpus (the 1x corpus copied, as hard links
where possible, into copy1/, copy2/, ... so that every file has its own path).

The corpus is the `.py` files of pinned wheels from the package index (`pip download`) plus the
locally installed torch package (located without importing it), reduced to at most --limit
files, spread evenly over the sorted list. Each command runs as a subprocess; the best of
--repeat wall times is reported (a command whose run took longer than --long seconds is not run
again: on a run that long, start-up and scheduling noise matter little), with the peak memory
of its largest process (from wait4) and the peak of the summed memory (PSS, or RSS where PSS is
unreadable) of its whole process tree, sampled every 50 ms. The table is printed and written as
Markdown to DIR/results.md.

Shared machines are noisy: compare the ratios within one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

WHEELS = ["timm==1.0.15", "lightning==2.5.1", "diffusers==0.33.1", "transformers==4.51.3"]
PEERS = {  # name -> (pip requirement, console script, arguments before the corpus path)
    "TorchFix": ("torchfix", "torchfix", ["--select", "ALL"]),
    "Fixit": ("fixit", "fixit", ["lint"]),
}
SCALES = (1, 4, 16)
# Folder names that some linters skip when walking a tree (warmlint skips these, and any
# virtualenv); corpus folders with such names are renamed so that every tool sees every file.
SKIP_NAMES = {"build", "dist", "node_modules", "venv", "env", "site-packages", "__pycache__"}

TARGET_PEER = 20.0  # warmlint cold at least this many times faster than each peer
TARGET_WARM = 20.0  # warm cache at least this many times faster than cold
TARGET_MB = 300.0  # peak memory
LINEAR_SLACK = 1.25  # "linear": time at 16x at most this factor above 16 x (time at 1x)

PARSE_SCRIPT = r"""
import pathlib, sys
import libcst
failures = 0
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    try:
        libcst.parse_module(path.read_bytes())
    except Exception:
        failures += 1
print(failures)
"""

PREFILTER_SCRIPT = r"""
import pathlib, sys
from warmlint.files.prefilter import builds_what_rules_need, may_matter
data = [path.read_bytes() for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))]
first = [d for d in data if may_matter(d)]
print(len(first), sum(1 for d in first if builds_what_rules_need(d)))
"""


@dataclass
class Timing:
    seconds: float  # best wall time
    peak_mb: float  # largest single process, worst run
    tree_mb: float | None  # summed over the process tree, worst run; None where /proc is missing
    returncode: int
    stdout: str
    stderr: str
    times: list[float] = field(default_factory=list)


@dataclass
class Row:
    name: str
    timing: Timing | None
    note: str = ""


# --------------------------------------------------------------------------- running things


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _memory_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


class TreeSampler(threading.Thread):
    """Peak of the memory summed over a process and all its descendants, sampled."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            children = _children_map()
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo.extend(children.get(pid, []))
            self.peak_kb = max(self.peak_kb, sum(_memory_kb(pid) for pid in tree))
            self.stopped.wait(self.interval)


def run_once(command: list[str], cwd: Path) -> tuple[float, float, float | None, int, str, str]:
    """Wall seconds, peak MB of the largest process, peak MB of the tree, exit code, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid) if os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stopped.set()
            sampler.join()
        # ru_maxrss: kilobytes on Linux, bytes on macOS; the largest process of the tree.
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        tree = sampler.peak_kb / 1024 if sampler and sampler.peak_kb else None
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    return elapsed, peak, tree, process.returncode, stdout, stderr


def measure(command: list[str], cwd: Path, repeat: int, long_s: float, before=None) -> Timing:
    times, peaks, trees = [], [], []
    result = None
    while len(times) < repeat and not (times and max(times) > long_s):
        if before:
            before()
        elapsed, peak, tree, code, stdout, stderr = run_once(command, cwd)
        times.append(elapsed)
        peaks.append(peak)
        if tree is not None:
            trees.append(tree)
        result = (code, stdout, stderr)
    code, stdout, stderr = result
    return Timing(min(times), max(peaks), max(trees) if trees else None, code, stdout, stderr, times)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


# --------------------------------------------------------------------------- the corpus


def download_wheels(wheel_dir: Path) -> list[tuple[str, Path]]:
    """(requirement, wheel) for each pinned wheel that could be downloaded."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    found = []
    for requirement in WHEELS:
        name, version = requirement.split("==")
        pattern = f"{name.replace('-', '_')}-{version}-*.whl"
        wheels = sorted(wheel_dir.glob(pattern))
        if not wheels:
            log(f"downloading {requirement} ...")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--disable-pip-version-check",
                    "-q",
                    "-d",
                    str(wheel_dir),
                    requirement,
                ],
                capture_output=True,
                text=True,
            )
            wheels = sorted(wheel_dir.glob(pattern))
            if done.returncode != 0 or not wheels:
                print(
                    f"note: could not download {requirement}, left out of the corpus: "
                    f"{last_line(done.stderr) or 'no wheel'}"
                )
                continue
        found.append((requirement, wheels[0]))
    return found


def torch_tree() -> Path | None:
    spec = importlib.util.find_spec("torch")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _clean(relative: str) -> str:
    parts = relative.split("/")
    return "/".join(
        f"_{part}" if (part in SKIP_NAMES or part.startswith(".")) and i < len(parts) - 1 else part
        for i, part in enumerate(parts)
    )


def build_corpus(workdir: Path, limit: int) -> tuple[Path, list[str]]:
    """Write the sampled corpus to workdir/corpus; return it and a description of its sources."""
    entries: list[tuple[str, str, object]] = []  # (package, path inside it, how to read it)
    sources = []
    for requirement, wheel in download_wheels(workdir / "wheels"):
        package = requirement.split("==")[0]
        archive = zipfile.ZipFile(wheel)
        names = [n for n in archive.namelist() if n.endswith(".py") and "__pycache__" not in n]
        entries.extend((package, name, (archive, name)) for name in names)
        sources.append(requirement)
    torch = torch_tree()
    if torch is not None:
        files = [p for p in torch.rglob("*.py") if p.is_file() and "__pycache__" not in p.parts]
        entries.extend(("torch", p.relative_to(torch).as_posix(), p) for p in files)
        sources.append(f"torch=={_installed_version('torch')} (installed)")
    else:
        print("note: torch is not installed here, left out of the corpus")
    if not entries:
        raise SystemExit("no corpus: no wheel could be downloaded and torch is not installed")

    entries.sort(key=lambda entry: (entry[0], entry[1]))
    if limit and len(entries) > limit:
        step = len(entries) / limit
        entries = [entries[int(i * step)] for i in range(limit)]

    corpus = workdir / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    for package, relative, source in entries:
        target = corpus / package / _clean(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            archive, name = source
            target.write_bytes(archive.read(name))
    return corpus, sources


def scaled_corpus(workdir: Path, corpus: Path, factor: int) -> Path:
    """factor copies of the corpus under workdir/scale-<factor>x/copy1..copyN (hard links if possible)."""
    root = workdir / f"scale-{factor}x"
    shutil.rmtree(root, ignore_errors=True)
    files = sorted(p for p in corpus.rglob("*.py"))
    for copy in range(1, factor + 1):
        for path in files:
            target = root / f"copy{copy}" / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    return root


def corpus_stats(corpus: Path) -> tuple[int, float, dict[str, int]]:
    files = sorted(corpus.rglob("*.py"))
    per_package: dict[str, int] = {}
    for path in files:
        package = path.relative_to(corpus).parts[0]
        per_package[package] = per_package.get(package, 0) + 1
    return len(files), sum(p.stat().st_size for p in files) / 1e6, per_package


# --------------------------------------------------------------------------- tools


def _installed_version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def venv_versions(python: Path, distributions: list[str]) -> str:
    code = (
        "import importlib.metadata as m, sys\n"
        "for d in sys.argv[1:]:\n"
        "    try: print(d, m.version(d))\n"
        "    except m.PackageNotFoundError: print(d, '?')\n"
    )
    done = subprocess.run([str(python), "-c", code, *distributions], capture_output=True, text=True)
    return ", ".join(done.stdout.split("\n")[:-1]) if done.returncode == 0 else "?"


def install_peer(workdir: Path, name: str) -> tuple[Path | None, str]:
    """The peer's console script in its own virtualenv, or None and the reason."""
    requirement, script, _ = PEERS[name]
    venv = workdir / f"venv-{requirement}"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    executable = bindir / script
    python = bindir / "python"
    if not executable.exists():
        log(f"installing {requirement} into {venv} ...")
        shutil.rmtree(venv, ignore_errors=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
        if made.returncode != 0:
            return None, f"python -m venv failed: {last_line(made.stderr)}"
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not executable.exists():
            return None, f"pip install {requirement} failed: {last_line(done.stderr) or 'no ' + script}"
    return executable, venv_versions(python, [requirement, "libcst"])


def warmlint_command() -> list[str]:
    script = Path(sys.executable).parent / "warmlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "warmlint"]


def compile_warmlint() -> str | None:
    """Byte-compile warmlint's own modules, as installing its wheel does.

    An editable install has no bytecode, and where PYTHONDONTWRITEBYTECODE is set it is
    compiled again by every run: that would time the compiler, not warmlint. The peers and
    libcst come from wheels and are compiled already."""
    spec = importlib.util.find_spec("warmlint")
    folders = list(spec.submodule_search_locations or []) if spec else []
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], capture_output=True, text=True)
    return None if done.returncode == 0 else last_line(done.stderr or done.stdout)


def warns_about_config(workdir: Path) -> list[str]:
    """Config files at or above the work folder that would change what warmlint or Fixit check."""
    notes = []
    for folder in [workdir, *workdir.parents]:
        for name in ("pyproject.toml", ".fixit.toml", "fixit.toml"):
            path = folder / name
            try:
                if not path.is_file():
                    continue
                text = path.read_text(errors="replace")
            except OSError:
                continue
            if name != "pyproject.toml" or re.search(r"^\[tool\.(warmlint|fixit)", text, re.M):
                notes.append(f"note: {path} configures a linter for the corpus; pick a --workdir outside any project")
    return notes


# --------------------------------------------------------------------------- report


def rate(per_second: float) -> str:
    return f"{per_second:.1f}" if per_second < 10 else f"{per_second:.0f}"


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def versus(row: Row, cold: Timing | None) -> str:
    if row.timing is None or cold is None:
        return "n/a"
    if row.name == "warmlint cold":
        return "1x"
    ratio = row.timing.seconds / cold.seconds
    if ratio >= 1:
        return f"{row.name} / warmlint cold = {ratio:.1f}x"
    return f"warmlint cold / {row.name} = {1 / ratio:.1f}x"


def table(rows: list[Row], files: int, cold: Timing | None) -> tuple[list[str], list[list[str]]]:
    header = ["tool", "seconds", "runs", "files/s", "ms/file", "peak MB", "tree MB", "vs warmlint cold"]
    body = []
    for row in rows:
        t = row.timing
        if t is None:
            body.append([row.name, "n/a", "-", "n/a", "n/a", "n/a", "n/a", "n/a"])
            continue
        body.append(
            [
                row.name,
                f"{t.seconds:.2f}",
                str(len(t.times)),
                rate(files / t.seconds),
                f"{1000 * t.seconds / files:.2f}",
                fmt_mb(t.peak_mb),
                fmt_mb(t.tree_mb),
                versus(row, cold),
            ]
        )
    return header, body


def text_table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    right = [False] + [True] * (len(header) - 2) + [False]

    def line(cells):
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]


def md_table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if 0 < i < len(header) - 1 else "---" for i in range(len(header))) + "|",
    ]
    return lines + ["| " + " | ".join(r) + " |" for r in body]


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def targets(rows: dict[str, Row], scaling: dict[int, Timing]) -> list[str]:
    cold = rows["warmlint cold"].timing
    lines = []
    for peer in PEERS:
        timing = rows[peer].timing if peer in rows else None
        if timing is None or cold is None:
            lines.append(f"warmlint cold >= {TARGET_PEER:g}x faster than {peer}: n/a")
        else:
            ratio = timing.seconds / cold.seconds
            lines.append(
                f"warmlint cold >= {TARGET_PEER:g}x faster than {peer}: {ratio:.1f}x, {verdict(ratio >= TARGET_PEER)}"
            )
    warm = rows["warmlint warm"].timing
    if warm is not None and cold is not None:
        ratio = cold.seconds / warm.seconds
        lines.append(
            f"warm cache >= {TARGET_WARM:g}x faster than warmlint cold: {ratio:.1f}x, {verdict(ratio >= TARGET_WARM)}"
        )
    if 1 in scaling and max(scaling) > 1:
        top = max(scaling)
        ratio = scaling[top].seconds / scaling[1].seconds
        lines.append(
            f"time linear in corpus size: {top}x corpus takes {ratio:.1f}x the 1x time "
            f"(ideal {top}, limit {top * LINEAR_SLACK:g}), {verdict(ratio <= top * LINEAR_SLACK)}"
        )
    warmlint_runs = [r.timing for name, r in rows.items() if name.startswith("warmlint") and r.timing]
    warmlint_runs += list(scaling.values())
    if warmlint_runs:
        peak = max(t.peak_mb for t in warmlint_runs)
        trees = [t.tree_mb for t in warmlint_runs if t.tree_mb is not None]
        tree = max(trees) if trees else None
        worst = max(peak, tree or 0)
        lines.append(
            f"peak memory < {TARGET_MB:g} MB (every warmlint run, scaling included): largest process "
            f"{peak:.0f} MB, whole process tree {fmt_mb(tree)} MB, {verdict(worst < TARGET_MB)}"
        )
    return lines


def scaling_lines(scaling: dict[int, Timing], files: int) -> tuple[list[str], list[list[str]]]:
    header = ["corpus", "files", "seconds", "runs", "ms/file", "peak MB", "tree MB", "time / 1x (ideal)"]
    body = []
    for factor, t in sorted(scaling.items()):
        n = files * factor
        body.append(
            [
                f"{factor}x",
                str(n),
                f"{t.seconds:.2f}",
                str(len(t.times)),
                f"{1000 * t.seconds / n:.2f}",
                fmt_mb(t.peak_mb),
                fmt_mb(t.tree_mb),
                f"{t.seconds / scaling[1].seconds:.2f} ({factor})",
            ]
        )
    return header, body


def run_date() -> str:
    try:
        return subprocess.run(["date", "-u"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return datetime.datetime.now(datetime.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "warmlint-bench",
        help="downloads, virtualenvs, corpora and results.md (default: %(default)s); "
        "wheels and virtualenvs found there are reused",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=800,
        help="at most this many corpus files, spread evenly over the sorted list (default 800; 0 keeps them all)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, the best is shown (default 3)")
    parser.add_argument(
        "--long",
        type=float,
        default=60,
        help="a measurement whose run took longer than this many seconds is not repeated (default 60)",
    )
    parser.add_argument("--skip-peers", action="store_true", help="do not install or run TorchFix and Fixit")
    args = parser.parse_args(argv)
    if args.limit < 0 or args.repeat < 1:
        parser.error("--limit must be at least 0 and --repeat at least 1")
    if importlib.util.find_spec("warmlint") is None or importlib.util.find_spec("libcst") is None:
        parser.error("run this with the Python that has warmlint installed")

    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    date = run_date()
    load = (
        f", load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start"
        if hasattr(os, "getloadavg")
        else ""
    )
    notes = warns_about_config(workdir)

    corpus, sources = build_corpus(workdir, args.limit)
    files, megabytes, per_package = corpus_stats(corpus)
    composition = ", ".join(f"{name} {count}" for name, count in sorted(per_package.items()))
    print(f"corpus: {files} files, {megabytes:.1f} MB ({composition}) in {corpus}")
    print(f"from: {', '.join(sources)}; limit {args.limit or 'none'}")

    warmlint = warmlint_command()
    compile_problem = compile_warmlint()
    if compile_problem:
        notes.append(f"note: warmlint's modules could not be byte-compiled first: {compile_problem}")
    cache = workdir / ".warmlint_cache"  # warmlint keeps its cache in the folder it runs in

    def clear_cache():
        shutil.rmtree(cache, ignore_errors=True)

    help_text = subprocess.run([*warmlint, "check", "--help"], capture_output=True, text=True).stdout
    cold_flags = ["--no-cache"] if "--no-cache" in help_text else []
    cold_before = None if cold_flags else clear_cache
    if not cold_flags:
        notes.append("note: this warmlint has no --no-cache; the cache is deleted before each cold run")

    def cold_command(path: Path) -> list[str]:
        return [*warmlint, "check", *cold_flags, "--exit-zero", "-q", str(path)]

    rows: dict[str, Row] = {}
    startup = measure([*warmlint, "--version"], workdir, args.repeat, args.long)
    notes.append(
        f"note: warmlint start-up alone (`warmlint --version`) takes {startup.seconds:.2f} s, "
        f"a floor under every warmlint row"
    )
    log("timing libcst.parse_module ...")
    parse = measure([sys.executable, "-c", PARSE_SCRIPT, str(corpus)], workdir, args.repeat, args.long)
    rows["libcst.parse_module"] = Row("libcst.parse_module", parse if parse.returncode == 0 else None)
    if parse.returncode != 0:
        notes.append(f"note: the parse script failed: {last_line(parse.stderr)}")
    elif parse.stdout.strip() not in ("", "0"):
        notes.append(
            f"note: {parse.stdout.strip()} corpus files do not parse with libcst "
            f"{_installed_version('libcst')} (every tool still reads them)"
        )

    log("timing warmlint cold ...")
    clear_cache()
    cold = measure(cold_command(corpus), workdir, args.repeat, args.long, before=cold_before)
    rows["warmlint cold"] = Row("warmlint cold", cold)

    log("timing warmlint warm ...")
    clear_cache()
    fill = run_once([*warmlint, "check", "--exit-zero", "-q", str(corpus)], workdir)
    warm = measure([*warmlint, "check", "--exit-zero", "-q", str(corpus)], workdir, args.repeat, args.long)
    rows["warmlint warm"] = Row("warmlint warm", warm)
    for name, timing in (("cold", cold), ("warm", warm)):
        if timing.returncode != 0:
            notes.append(f"note: warmlint {name} exited {timing.returncode}: {last_line(timing.stderr)}")
    if fill[3] != 0:
        notes.append(f"note: the run that filled the cache exited {fill[3]}: {last_line(fill[5])}")
    clear_cache()

    versions = [f"warmlint {_installed_version('warmlint')}, libcst {_installed_version('libcst')}"]
    if args.skip_peers:
        notes.append("note: --skip-peers: TorchFix and Fixit were not run")
    for peer, (_, _, arguments) in PEERS.items():
        if args.skip_peers:
            rows[peer] = Row(peer, None, "skipped")
            continue
        executable, info = install_peer(workdir, peer)
        if executable is None:
            print(f"note: {peer}: {info}")
            notes.append(f"note: {peer} n/a: {info}")
            rows[peer] = Row(peer, None, info)
            continue
        versions.append(f"{peer}: {info}")
        log(f"timing {peer} ...")
        timing = measure([str(executable), *arguments, str(corpus)], workdir, args.repeat, args.long)
        rows[peer] = Row(peer, timing)
        if timing.returncode not in (0, 1):
            notes.append(f"note: {peer} exited {timing.returncode} (timed all the same): {last_line(timing.stderr)}")

    log("scaling: warmlint cold on " + ", ".join(f"{f}x" for f in SCALES) + " ...")
    scaling: dict[int, Timing] = {}
    for factor in SCALES:
        root = scaled_corpus(workdir, corpus, factor)
        clear_cache()
        scaling[factor] = measure(cold_command(root), workdir, args.repeat, args.long, before=cold_before)
        shutil.rmtree(root, ignore_errors=True)
    clear_cache()

    passed = subprocess.run([sys.executable, "-c", PREFILTER_SCRIPT, str(corpus)], capture_output=True, text=True)
    counts = passed.stdout.split()
    if passed.returncode == 0 and len(counts) == 2 and all(c.isdigit() for c in counts):
        notes.append(
            f"note: {counts[0]} of the {files} corpus files pass warmlint's byte prefilter and {counts[1]} "
            f"of those its second test (CPython's parser: does the file construct an optimizer or a "
            f"scheduler?); only those get the libcst parse and the analysis"
        )

    header, body = table(list(rows.values()), files, cold)
    s_header, s_body = scaling_lines(scaling, files)
    goal_lines = targets(rows, scaling)
    context = [
        f"date: {date}",
        f"platform: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs{load}",
        f"corpus: {files} files, {megabytes:.1f} MB ({composition}); from {', '.join(sources)}",
        f"versions: {'; '.join(versions)}",
        f"best of {args.repeat} runs each (one only where a run took over {args.long:g} s); "
        f"warmlint, TorchFix and Fixit use their default worker count (one per core), "
        f"the parse loop one process; peak MB: largest single process, "
        f"tree MB: peak of the memory summed over the whole process tree",
    ]

    out = [
        "",
        *context,
        "",
        *text_table(header, body),
        "",
        "scaling, warmlint cold:",
        *text_table(s_header, s_body),
        "",
        "targets:",
        *(f"  {line}" for line in goal_lines),
    ]
    if notes:
        out += ["", *notes]
    out.append(f"total wall time {time.perf_counter() - started:.0f} s; results also in {workdir / 'results.md'}")
    print("\n".join(out))

    markdown = [
        "# warmlint vs peers",
        "",
        *(f"- {line}" for line in context),
        "",
        *md_table(header, body),
        "",
        "## Scaling, warmlint cold",
        "",
        *md_table(s_header, s_body),
        "",
        "## Targets",
        "",
        *(f"- {line}" for line in goal_lines),
    ]
    if notes:
        markdown += ["", "## Notes", "", *(f"- {line.removeprefix('note: ')}" for line in notes)]
    (workdir / "results.md").write_text("\n".join(markdown) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
