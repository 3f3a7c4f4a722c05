"""How much slower ``warmlint verify --steps 50`` is than the same script cut at 50 steps without it.

    python benchmarks/bench_verify.py [--repeats 5]

Both runs start a fresh interpreter and import torch, as a user's run would; the ratio of the
median wall times is the cost of the recording, the projection and the report (target < 1.3).
CPU times are printed too: on a busy machine they vary far less than wall times.
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

TRAIN_SCRIPT = """
import argparse
import math

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--max-steps", type=int, default=20_000)
args = parser.parse_args()

torch.set_num_threads(1)  # steadier timings on a shared machine
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(256, 512), torch.nn.GELU(), torch.nn.Linear(512, 256))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
total_steps, warmup_steps = 20_000, 500


def lr_lambda(step):
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    return 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / (total_steps - warmup_steps)))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
for step in range(args.max_steps):
    x = torch.randn(128, 256)
    loss = (model(x) - x).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
"""

VERIFY = "from warmlint.cli.verify import verify_command; verify_command()"


def timed_run(command: list[str], cwd: Path, allowed: tuple[int, ...]) -> tuple[float, float]:
    """Wall time, and CPU time of the process and everything it waited for (steadier on a busy machine)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in allowed:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        script = cwd / "train.py"
        script.write_text(TRAIN_SCRIPT)
        plain_command = [sys.executable, str(script), "--max-steps", str(options.steps)]
        verify_command = [sys.executable, "-c", VERIFY, str(script), "--steps", str(options.steps)]
        timed_run(plain_command, cwd, (0,))  # warm the file cache once
        plain, verified = [], []
        for _ in range(options.repeats):
            plain.append(timed_run(plain_command, cwd, (0,)))
            verified.append(timed_run(verify_command, cwd, (0, 1)))
    for label, index in (("wall", 0), ("cpu", 1)):
        plain_median = statistics.median(t[index] for t in plain)
        verify_median = statistics.median(t[index] for t in verified)
        print(f"{label} time, plain run cut at {options.steps} steps: {plain_median:.3f} s {_spread(plain, index)}")
        spread = _spread(verified, index)
        print(f"{label} time, warmlint verify --steps {options.steps}: {verify_median:.3f} s {spread}")
        print(f"{label} ratio: {verify_median / plain_median:.3f}" + ("  (target < 1.3)" if label == "wall" else ""))


def _spread(times: list[tuple[float, float]], index: int) -> str:
    return "(runs: " + ", ".join(f"{t[index]:.2f}" for t in times) + ")"


if __name__ == "__main__":
    main()
