"""What do YAML and JSON files that are not training configs cost `warmlint check`?

    python benchmarks/bench_config_files.py [--files N] [--python-files M] [--repeat R] [--workdir DIR]

Builds one tree of Python files (a sample of the installed torch package's own `.py` files,
located without importing torch: real code, much of it about optimizers and schedulers) and a
copy of it with N generated YAML/JSON files that are not training configs added beside them:
GitHub workflows, docker-compose and Kubernetes manifests, package.json, tsconfig, translation
tables, data dumps, and a few that say "warmup" or "scheduler" without being a training config
(some pass the first, substring test of the byte prefilter). Then times `warmlint check --no-cache`
on both trees in the same run, each a subprocess, alternated R times, best of R, and prints the ratio of CPU seconds
(the command's own and its worker processes', user + system: on a shared machine wall time mostly
measures the neighbours) and, for reference, of wall seconds.

Target: with / without <= 1.1 (the byte prefilter rejects almost every such file from its
bytes, before any YAML or JSON parse). Only the ratio means anything; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def torch_files(count: int) -> list[Path]:
    spec = importlib.util.find_spec("torch")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("torch is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(p for p in root.rglob("*.py") if p.stat().st_size <= 64 * 1024)
    step = max(1, len(files) // count)
    return files[::step][:count]


WORKFLOW = """name: {name}
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.10", "3.11", "3.12"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{{{ matrix.python }}}}
      - run: pip install -e .[dev]
      - run: pytest -q  # {n}
"""

COMPOSE = """services:
  web{n}:
    image: nginx:1.{n}
    ports: ["80{n:02d}:80"]
    depends_on: [db]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
"""

K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-{n}
spec:
  replicas: 3
  template:
    spec:
      schedulerName: default-scheduler
      containers:
        - name: worker
          image: registry.local/worker:{n}
          resources: {{limits: {{cpu: "2", memory: 4Gi}}}}
"""

# Not training configs, but they hold the prefilter's words: each is parsed and recognised as nothing.
LOOKALIKE_YAML = """# game server settings {n}
match:
  warmup: 30s
  rounds: 12
lr_scheduler_notes: see docs
"""


def package_json(n: int) -> str:
    return json.dumps(
        {"name": f"pkg-{n}", "version": f"1.{n}.0", "scripts": {"build": "tsc", "test": "jest"}, "license": "MIT"},
        indent=2,
    )


def tsconfig(n: int) -> str:
    return json.dumps({"compilerOptions": {"target": "es2022", "strict": True, "outDir": f"dist{n}"}}, indent=4)


def translations(n: int, rng: random.Random) -> str:
    return json.dumps({f"key_{i}": "".join(rng.choices("abcdefghij ", k=40)) for i in range(50 + n % 100)}, indent=2)


def data_dump(n: int, rng: random.Random) -> str:
    return json.dumps([{"id": i, "score": rng.random(), "label": rng.choice("abc")} for i in range(100 + n % 200)])


def lookalike_json(n: int) -> str:
    return json.dumps({"event": f"race-{n}", "warmup": {"laps": 2}, "scheduler": {"type": "cron", "at": "0 3 * * *"}})


def generate(root: Path, count: int, seed: int = 0) -> dict[str, int]:
    """`count` YAML/JSON files that are not training configs, spread over nested folders."""
    rng = random.Random(seed)
    kinds = {
        "workflow.yml": lambda n: WORKFLOW.format(name=f"ci-{n}", n=n),
        "docker-compose.yaml": lambda n: COMPOSE.format(n=n % 100),
        "deployment.yaml": lambda n: K8S.format(n=n),
        "package.json": package_json,
        "tsconfig.json": tsconfig,
        "messages.json": lambda n: translations(n, rng),
        "results.json": lambda n: data_dump(n, rng),
    }
    names = list(kinds)
    made: dict[str, int] = {}
    for n in range(count):
        folder = root / f"assets{n % 50}" / f"part{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        if n % 100 == 0:  # 1%: prefilter words, parsed, not a config
            kind = "lookalike.yaml" if n % 200 == 0 else "lookalike.json"
            text = LOOKALIKE_YAML.format(n=n) if kind.endswith("yaml") else lookalike_json(n)
        else:
            kind = names[n % len(names)]
            text = kinds[kind](n)
        (folder / f"{n}-{kind}").write_text(text, encoding="utf-8")
        made[kind] = made.get(kind, 0) + 1
    return made


def run_check(tree: Path) -> tuple[float, float, str]:
    """CPU seconds (user + system, the command and its workers), wall seconds, and the report."""
    command = [sys.executable, "-m", "warmlint", "check", "--no-cache", "--exit-zero", "--statistics", str(tree)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=tree)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"warmlint check failed on {tree}:\n{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="YAML/JSON files to add (default 10000)")
    parser.add_argument("--python-files", type=int, default=1000, help="torch .py files in both trees (default 1000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="warmlint-bench-configs-"))
    without, with_configs = work / "without", work / "with"
    for tree in (without, with_configs):
        shutil.rmtree(tree, ignore_errors=True)
        for index, source in enumerate(torch_files(args.python_files)):
            target = tree / "code" / f"{index:05d}_{source.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    made = generate(with_configs / "code", args.files)
    size = sum(p.stat().st_size for p in with_configs.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    print(f"trees under {work}: {args.python_files} torch .py files; the second adds {args.files} YAML/JSON files")
    print(f"  ({size / 1e6:.1f} MB: {', '.join(f'{count} {kind}' for kind, count in sorted(made.items()))})")
    runs: dict[Path, list[tuple[float, float, str]]] = {without: [], with_configs: []}
    for _ in range(args.repeat):  # alternated, so that a change in the machine's load hits both sides
        for tree in runs:
            runs[tree].append(run_check(tree))
    (base_output,), (added_output,) = ({r[2] for r in runs[without]}, {r[2] for r in runs[with_configs]})
    if base_output != added_output:
        raise SystemExit(f"the added files changed the report:\n{base_output}\n---\n{added_output}")
    base_cpu, added_cpu = (min(r[0] for r in runs[tree]) for tree in runs)
    base_wall, added_wall = (min(r[1] for r in runs[tree]) for tree in runs)
    ratio = added_cpu / base_cpu
    print(f"CPU seconds without them: {base_cpu:.2f}   with them: {added_cpu:.2f}   (best of {args.repeat})")
    print(f"ratio with / without: {ratio:.3f}  (target <= 1.1: {'met' if ratio <= 1.1 else 'NOT met'})")
    print(f"added CPU per YAML/JSON file: {(added_cpu - base_cpu) / args.files * 1e6:.0f} us")
    print(f"wall seconds, for reference: {base_wall:.2f} and {added_wall:.2f} (ratio {added_wall / base_wall:.3f})")


if __name__ == "__main__":
    main()
