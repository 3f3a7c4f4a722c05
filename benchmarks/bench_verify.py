"""How much slower ``warmlint verify --steps 50`` is than the same script cut at 50 steps without it.

    python benchmarks/bench_verify.py [--repeats 5]

Both runs start a fresh interpreter and import torch, as a user's run would; the ratio of the
median wall times is the cost of the recording, the projection and the report (target < 1.3).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRAIN_SCRIPT = '''
import argparse
import math

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--max-steps", type=int, default=20_000)
args = parser.parse_args()

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
'''

VERIFY = "from warmlint.verify.command import verify_command; verify_command()"


def wall_time(command: list[str], cwd: Path, allowed: tuple[int, ...]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in allowed:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


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
        wall_time(plain_command, cwd, (0,))  # warm the file cache once
        plain, verified = [], []
        for _ in range(options.repeats):
            plain.append(wall_time(plain_command, cwd, (0,)))
            verified.append(wall_time(verify_command, cwd, (0, 1)))
    plain_median, verify_median = statistics.median(plain), statistics.median(verified)
    print(f"plain run, {options.steps} steps:        median {plain_median:.3f} s  {_spread(plain)}")
    print(f"warmlint verify --steps {options.steps}:  median {verify_median:.3f} s  {_spread(verified)}")
    print(f"ratio: {verify_median / plain_median:.3f} (target < 1.3)")


def _spread(times: list[float]) -> str:
    return "(" + ", ".join(f"{t:.2f}" for t in times) + ")"


if __name__ == "__main__":
    main()
