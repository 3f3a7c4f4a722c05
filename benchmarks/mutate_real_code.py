"""Does `warmlint check` survive broken real code, in time proportional to its size?

    python benchmarks/mutate_real_code.py [--files N] [--mutations M] [--seed S] [--max-kb K]
                                          [--corpus DIR] [--no-cli] [--failures DIR]

Takes N `.py` files of the installed torch package (located without importing torch; about
three quarters of them files that warmlint's byte prefilter sends to the parser, the rest
files it would skip), or with --corpus every `.py` file of DIR up to K KB (real training
code, such as the dev corpus), plus the repository's fixture scripts, and makes M mutants of each:
a deleted line, a cut at a random byte, an inserted byte (NUL, 0xff, a lone-surrogate UTF-8
sequence, a tab, a CR, ...), tabs for spaces, a dedented line, a duplicated line, or three of
these at once. Everything is decided by random.Random seeded with (S, file, mutant number),
so a failure is reproduced by its file, mutant number and seed.

Every mutant is checked with `warmlint.files.runner.check_bytes` in a separate worker process (a
hang or a crash of the process is reported, not waited for forever) and must end with
diagnostics, a WL000 diagnostic or a one-line per-file error: never an exception, never an
"internal error", never a position outside the file. Each check must also finish within
2 s + 20 ms per KB of the file. Then the real CLI checks all the mutants at once (every file
named on the command line, so that each one is parsed; default worker processes) and must
exit 0, 1 or 2 without a traceback and with one `warmlint: error: PATH: reason` line per error.

Prints the counts of each outcome, the time per KB, the slowest files, and every failure
with what reproduces it (the mutant is written to --failures DIR). Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import multiprocessing
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BOUND_FIXED_S = 2.0
BOUND_PER_KB_S = 0.020
OUTCOMES = ("clean", "diagnostics", "WL000", "per-file error", "failure")

# Bytes worth inserting: each one breaks decoding, tokenizing or indentation in its own way.
INSERTS = (
    b"\x00",
    b"\xff",
    b"\xed",
    b"\xed\xa0\x80",
    b"\t",
    b"\r",
    b"\r\n",
    b"\x0c",
    b"\\",
    b"(",
    b":",
    b'"',
    b"\xef\xbb\xbf",
)


# --------------------------------------------------------------------------- mutations


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _indented(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if line[:1] in (b" ", b"\t")]


def delete_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + lines[i + 1 :]), f"delete line {i + 1}"


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.randrange(len(data) + 1)
    return data[:cut], f"truncate at byte {cut}"


def insert_byte(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    insert = rng.choice(INSERTS) if rng.random() < 0.8 else bytes([rng.randrange(256)])
    at = rng.randrange(len(data) + 1)
    return data[:at] + insert + data[at:], f"insert {insert!r} at byte {at}"


def tabs_for_spaces(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Four leading spaces become a tab: on one line (mixed indentation) or on every line."""
    lines = _lines(data)
    chosen = _indented(lines)
    if rng.random() < 0.7 and chosen:
        chosen = [rng.choice(chosen)]
    for i in chosen:
        body = lines[i].lstrip(b" \t")
        indent = lines[i][: len(lines[i]) - len(body)]
        lines[i] = indent.replace(b"    ", b"\t") + body
    where = f"line {chosen[0] + 1}" if len(chosen) == 1 else f"{len(chosen)} lines"
    return b"".join(lines), f"tabs for spaces on {where}"


def dedent_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    candidates = _indented(lines)
    if not candidates:
        return data, "dedent: no indented line, unchanged"
    i = rng.choice(candidates)
    line = lines[i]
    lines[i] = line[1:] if line.startswith(b"\t") else line[min(4, len(line) - len(line.lstrip(b" "))) :]
    return b"".join(lines), f"dedent line {i + 1}"


def duplicate_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[: i + 1] + lines[i:]), f"duplicate line {i + 1}"


SIMPLE = {
    "delete-line": delete_line,
    "truncate": truncate,
    "insert-byte": insert_byte,
    "tabs-for-spaces": tabs_for_spaces,
    "dedent-line": dedent_line,
    "duplicate-line": duplicate_line,
}


def stacked(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    steps = []
    for _ in range(3):
        data, step = SIMPLE[rng.choice(sorted(SIMPLE))](data, rng)
        steps.append(step)
    return data, ", then ".join(steps)


MUTATIONS = {**SIMPLE, "stacked": stacked}


def mutate(data: bytes, kind: str, key: str) -> tuple[bytes, str]:
    """The mutant of `data` named by (kind, key): the same every time, on every machine."""
    return MUTATIONS[kind](data, random.Random(f"{kind}:{key}"))


def mutant_key(seed: int, name: str, number: int) -> str:
    return f"{seed}:{name}:{number}"


# --------------------------------------------------------------------------- real code


@functools.cache
def torch_tree() -> Path:
    spec = importlib.util.find_spec("torch")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("torch is not installed: it provides the real code to mutate")
    return Path(next(iter(spec.submodule_search_locations)))


def fixture_scripts() -> list[Path]:
    return sorted((REPO / "fixtures").glob("*/*.py"))


def pick_torch_files(count: int, seed: int, max_bytes: int, min_bytes: int = 200) -> list[Path]:
    """`count` torch files: three quarters that the prefilter parses (as many as exist), the rest not."""
    from warmlint.files.prefilter import may_matter

    root = torch_tree()
    files = sorted(p for p in root.rglob("*.py") if p.is_file() and min_bytes <= p.stat().st_size <= max_bytes)
    passes = {p: may_matter(p.read_bytes()) for p in files}
    parsed = [p for p in files if passes[p]]
    skipped = [p for p in files if not passes[p]]
    rng = random.Random(seed)
    take = min(len(parsed), count - count // 4)
    chosen = rng.sample(parsed, take) + rng.sample(skipped, min(len(skipped), count - take))
    return sorted(chosen)


def corpus_files(root: Path, max_bytes: int) -> list[Path]:
    """Every `.py` file under `root` of at most `max_bytes`, in a stable order."""
    return sorted(p for p in root.rglob("*.py") if p.is_file() and p.stat().st_size <= max_bytes)


CORPUS_ROOT: list[Path] = []  # the --corpus folder, for short names


def display_name(path: Path) -> str:
    """A short stable name: relative to the corpus, torch's folder or the repository."""
    roots = [*CORPUS_ROOT, REPO] if CORPUS_ROOT else [torch_tree().parent, REPO]
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.as_posix()


# --------------------------------------------------------------------------- judging a result


def outcome(result) -> str:
    if result.error is not None:
        return "failure" if result.error.startswith("internal error") else "per-file error"
    if any(d.code == "WL000" for d in result.diagnostics):
        return "WL000"
    return "diagnostics" if result.diagnostics else "clean"


def problems(result, data: bytes) -> list[str]:
    """What is wrong with a result: an internal error, a reason over several lines, a position
    outside the file. Empty when the result is one of the allowed outcomes."""
    found = []
    if result.error is not None:
        if result.error.startswith("internal error"):
            found.append(result.error)
        if len(result.error.splitlines()) > 1:
            found.append(f"error over several lines: {result.error!r}")
    last_line = len(data.splitlines()) + 1
    for d in result.diagnostics:
        if len(d.message.splitlines()) > 1:
            found.append(f"{d.code} message over several lines: {d.message!r}")
        if not (1 <= d.line <= last_line and d.column >= 1):
            found.append(f"{d.code} at {d.line}:{d.column}, outside the file ({last_line - 1} lines)")
    return found


def bound_s(size: int) -> float:
    return BOUND_FIXED_S + BOUND_PER_KB_S * size / 1024


# --------------------------------------------------------------------------- checking in a worker


def _serve(connection) -> None:
    """Worker loop: check each mutant it is sent, answer (outcome, seconds, problems)."""
    from warmlint.config import Config
    from warmlint.files.runner import check_bytes

    config = Config()
    check_bytes(b"import torch\n", "warm_up.py", config)  # imports and first-use costs, not timed
    while True:
        data, name = connection.recv()
        started = time.perf_counter()
        try:
            result = check_bytes(data, name, config)
        except BaseException as error:  # noqa: BLE001 - report it, keep serving
            connection.send(("failure", time.perf_counter() - started, [f"raised {type(error).__name__}: {error}"]))
            continue
        elapsed = time.perf_counter() - started
        found = problems(result, data)
        connection.send(("failure" if found else outcome(result), elapsed, found))


class Worker:
    """One process that checks mutants; replaced when a check hangs or kills it."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        self.connection, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def _restart(self) -> None:
        self.process.kill()
        self.process.join()
        self._start()

    def check(self, data: bytes, name: str, timeout: float) -> tuple[str, float, list[str]]:
        self.connection.send((data, name))
        if not self.connection.poll(timeout):
            self._restart()
            return "failure", timeout, [f"no result after {timeout:.0f} s: killed"]
        try:
            return self.connection.recv()
        except EOFError:
            self.process.join()
            code = self.process.exitcode
            self._restart()
            return "failure", 0.0, [f"the worker process died (exit code {code})"]

    def close(self) -> None:
        self.process.kill()
        self.process.join()


# --------------------------------------------------------------------------- the run


@dataclass
class Case:
    source: Path
    number: int
    kind: str
    key: str
    description: str
    data: bytes
    outcome: str = ""
    seconds: float = 0.0
    problems: tuple[str, ...] = ()

    @property
    def kb(self) -> float:
        return max(len(self.data), 1) / 1024

    def reproduce(self) -> str:
        return f"mutate(Path({str(self.source)!r}).read_bytes(), {self.kind!r}, {self.key!r})  # {self.description}"


def make_cases(files: list[Path], mutations: int, seed: int) -> list[Case]:
    cases = []
    for path in files:
        original = path.read_bytes()
        name = display_name(path)
        for number in range(mutations):
            key = mutant_key(seed, name, number)
            kind = random.Random(key).choice(sorted(MUTATIONS))
            data, description = mutate(original, kind, key)
            cases.append(Case(path, number, kind, key, description, data))
    return cases


def check_in_worker(cases: list[Case]) -> None:
    worker = Worker()
    try:
        for i, case in enumerate(cases, 1):
            timeout = max(60.0, 10 * bound_s(len(case.data)))
            case.outcome, case.seconds, found = worker.check(case.data, display_name(case.source), timeout)
            case.problems = tuple(found)
            if i % 200 == 0:
                print(f"  {i}/{len(cases)} checked", file=sys.stderr, flush=True)
    finally:
        worker.close()


ERROR_LINE = re.compile(r"^warmlint: (?:error: \S.*: \S.*|warning: .*)$")


def check_with_cli(cases: list[Case], folder: Path) -> tuple[int, list[str], float]:
    """The real CLI over every mutant (named explicitly): exit code, problems with its output, seconds."""
    paths = []
    for i, case in enumerate(cases):
        path = folder / f"{i:05d}_{case.kind}_{case.source.stem}.py"
        path.write_bytes(case.data)
        paths.append(path.name)
    script = Path(sys.executable).parent / "warmlint"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "warmlint"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "check", "--no-cache", "-q", *paths],
        cwd=folder,
        capture_output=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=3600,
    )
    elapsed = time.perf_counter() - started
    return done.returncode, cli_problems(done), elapsed


def cli_problems(done: subprocess.CompletedProcess) -> list[str]:
    found = []
    stdout = done.stdout.decode("utf-8", errors="replace")
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode not in (0, 1, 2):
        found.append(f"exit code {done.returncode}")
    for text in (stdout, stderr):
        found += [text[text.find(marker) :][:2000] for marker in ("Traceback", "internal error") if marker in text]
    found += [
        f"stderr line not `warmlint: error: PATH: reason`: {line!r}"
        for line in stderr.splitlines()
        if not ERROR_LINE.match(line)
    ]
    if done.returncode == 2 and not stderr.strip():
        found.append("exit code 2 without an error line")
    return found


def report(cases: list[Case], seed: int, failures_dir: Path) -> bool:
    counts = Counter(case.outcome for case in cases)
    files = len({case.source for case in cases})
    total_s = sum(case.seconds for case in cases)
    total_kb = sum(case.kb for case in cases)
    print(
        f"{files} files, {len(cases)} mutants (seed {seed}), {total_kb / 1024:.1f} MB checked; "
        f"Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs"
    )
    print("by kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(Counter(c.kind for c in cases).items())))
    print("outcomes: " + ", ".join(f"{name} {counts.get(name, 0)}" for name in OUTCOMES))
    print(f"check time: {total_s:.1f} s in all, {1000 * total_s / total_kb:.2f} ms/KB overall")
    by_rate = sorted(cases, key=lambda c: c.seconds / c.kb, reverse=True)
    slow = [c for c in by_rate if c.kb >= 1][:1] or by_rate[:1]
    print(
        f"slowest per KB (files of 1 KB or more): {1000 * slow[0].seconds / slow[0].kb:.1f} ms/KB, "
        f"{display_name(slow[0].source)} ({slow[0].kb:.1f} KB, {slow[0].seconds:.2f} s)"
    )
    by_bound = sorted(cases, key=lambda c: c.seconds / bound_s(len(c.data)), reverse=True)
    print(f"time bound {BOUND_FIXED_S:g} s + {1000 * BOUND_PER_KB_S:g} ms/KB; closest to it:")
    for case in by_bound[:5]:
        print(
            f"  {case.seconds:7.3f} s of {bound_s(len(case.data)):6.2f} s  {case.kb:8.1f} KB  "
            f"{display_name(case.source)} #{case.number} {case.kind} ({case.outcome})"
        )
    over = [c for c in cases if c.seconds > bound_s(len(c.data))]
    failed = [c for c in cases if c.outcome == "failure"]
    for case in failed + over:
        failures_dir.mkdir(parents=True, exist_ok=True)
        saved = failures_dir / f"{case.source.stem}-{case.number}-{case.kind}.py"
        saved.write_bytes(case.data)
        reason = "; ".join(case.problems) or f"took {case.seconds:.2f} s, over {bound_s(len(case.data)):.2f} s"
        print(
            f"FAIL {display_name(case.source)} #{case.number}: {reason}\n     saved as {saved}\n     {case.reproduce()}"
        )
    print(f"time bound: {len(over)} of {len(cases)} checks over it")
    return not failed and not over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500, help="torch files to mutate (default 500)")
    parser.add_argument("--mutations", type=int, default=4, help="mutants per file (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-kb", type=float, default=256, help="skip torch files larger than this (default 256)")
    parser.add_argument("--corpus", type=Path, help="mutate every .py file of this folder instead of torch's")
    parser.add_argument("--no-cli", action="store_true", help="skip the run of the CLI over all the mutants")
    parser.add_argument(
        "--failures",
        type=Path,
        default=Path(tempfile.gettempdir()) / "warmlint-mutants",
        help="folder for the mutants that fail (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.files < 0 or args.mutations < 1:
        parser.error("--files must be at least 0 and --mutations at least 1")

    started = time.perf_counter()
    if args.corpus is not None:
        if not args.corpus.is_dir():
            parser.error(f"--corpus {args.corpus}: not a folder")
        CORPUS_ROOT.append(args.corpus.resolve())
        real = corpus_files(CORPUS_ROOT[0], int(args.max_kb * 1024))
        origin = f"files of {args.corpus}"
    else:
        real = pick_torch_files(args.files, args.seed, int(args.max_kb * 1024))
        origin = "torch files"
    files = real + fixture_scripts()
    cases = make_cases(files, args.mutations, args.seed)
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}: {len(real)} {origin} "
        f"(<= {args.max_kb:g} KB) and {len(fixture_scripts())} fixture scripts, {args.mutations} mutants each",
        flush=True,
    )
    check_in_worker(cases)
    ok = report(cases, args.seed, args.failures)
    if not args.no_cli:
        with tempfile.TemporaryDirectory() as folder:
            code, found, elapsed = check_with_cli(cases, Path(folder))
        print(
            f"CLI over all {len(cases)} mutants: exit code {code}, {elapsed:.1f} s, "
            f"{'no problems' if not found else f'{len(found)} problems'}"
        )
        for line in found[:20]:
            print(f"FAIL CLI: {line}")
        ok = ok and not found
    print(f"{'OK' if ok else 'FAILED'} in {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
