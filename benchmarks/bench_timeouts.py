"""The two wall-clock targets that used to be test assertions, measured here instead.

    python benchmarks/bench_timeouts.py [--repeats 5]

1. Projection: extending 50 observed steps of a live scheduler to 100,000 steps (in this
   process, no child) takes under 0.5 s for a LambdaLR, a closed-form CosineAnnealingLR, a
   MultiplicativeLR and a SequentialLR. The median of the repeats is printed.
2. Timeout: `verify(..., timeout=3)` on a script that hangs after three steps returns within
   15 s, importing torch in the child included.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import torch

from warmlint.verify import verify
from warmlint.verify.child.pace import Pace
from warmlint.verify.child.projection import project

ROOT = Path(__file__).resolve().parent.parent
HANGS = ROOT / "tests" / "verify_scripts" / "hangs.py"
PROJECTION_TARGET_SECONDS = 0.5
TIMEOUT_TARGET_SECONDS = 15.0
SCHEDULERS = {
    "lambda": lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / 100_000),
    "closed-form": lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100_000),
    "multiplicative": lambda opt: torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda s: 0.99999),
    "sequential": lambda opt: torch.optim.lr_scheduler.SequentialLR(
        opt,
        [
            torch.optim.lr_scheduler.LinearLR(opt, 0.1, total_iters=500),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=99_500),
        ],
        milestones=[500],
    ),
}


def projection_seconds(make_scheduler) -> float:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = make_scheduler(optimizer)
    observed = []
    for _ in range(50):
        observed.append([optimizer.param_groups[0]["lr"]])
        optimizer.step()
        scheduler.step()
    started = time.perf_counter()
    project(optimizer, observed, 100_000, [(scheduler, Pace(calls=50, last_position=50, rate=Fraction(1)))], [])
    return time.perf_counter() - started


def timeout_seconds(scratch: Path) -> float:
    started = time.monotonic()
    verify(HANGS, [str(scratch / "helper.pid")], timeout=3)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    failed = False
    for name, make in SCHEDULERS.items():
        seconds = statistics.median(projection_seconds(make) for _ in range(args.repeats))
        ok = seconds < PROJECTION_TARGET_SECONDS
        failed |= not ok
        verdict = "ok" if ok else "SLOW"
        print(f"projection {name:<15} {seconds:7.3f} s  (target < {PROJECTION_TARGET_SECONDS} s) {verdict}")
    with tempfile.TemporaryDirectory() as scratch:
        seconds = timeout_seconds(Path(scratch))
    ok = seconds < TIMEOUT_TARGET_SECONDS
    failed |= not ok
    print(f"verify timeout=3      {seconds:7.3f} s  (target < {TIMEOUT_TARGET_SECONDS} s) {'ok' if ok else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
