"""A large run of the generated-script properties (tests/test_generated_scripts.py runs a bounded one).

    python benchmarks/fuzz_generated.py --examples 10000 [--seed N]

Generates training scripts with tests/scriptgen.py and checks on each that `check` reports only known
codes at valid spans on the documented lines, that suppression comments silence exactly what they
name, and that `fix` compiles, is a fixed point, leaves every line it may not touch in place,
removes the findings it fixed and keeps each training run's LR after warmup and its length (read
from the schedule model before and after). The generator plants every rule with a fix, and WL013,
next to look-alikes that must stay silent. Prints how many scripts were generated (and how many were distinct),
the findings and the applied fixes per code, and the time taken. On a failure Hypothesis shrinks
the script; the shrunk script and the error are printed and the exit status is 1. Without --seed
the run is random; the seed it used is printed so that a failure can be reproduced.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from scriptgen import KNOWN_CODES, Script, run_properties, training_scripts  # noqa: E402


class Run:
    """What the run saw: counts until the first failure, then the failing script as Hypothesis shrinks it."""

    def __init__(self) -> None:
        self.generated = 0
        self.distinct: set[str] = set()
        self.findings: Counter = Counter()
        self.applied: Counter = Counter()
        self.failure: tuple[Script, str] | None = None

    def check(self, script: Script) -> None:
        try:
            findings, applied = run_properties(script)
        except Exception:
            self.failure = (script, traceback.format_exc())  # the last one recorded is the shrunk one
            raise
        if self.failure is None:
            self.generated += 1
            self.distinct.add(script.text)
            self.findings += findings
            self.applied += applied


def report(run: Run, seconds: float, seed_used: int) -> None:
    print(
        f"seed {seed_used}: {run.generated} scripts generated ({len(run.distinct)} distinct) in {seconds:.1f} s "
        f"({1000 * seconds / max(1, run.generated):.0f} ms per script)"
    )
    print(f"{'code':<6} {'found':>7} {'fixed':>7}")
    for code in sorted(KNOWN_CODES):
        print(f"{code:<6} {run.findings[code]:>7} {run.applied[code]:>7}")
    print(f"{'total':<6} {sum(run.findings.values()):>7} {sum(run.applied.values()):>7}")
    print(
        "(found: in the generated scripts; fixed: fixes applied, also to findings that appear only once an "
        "earlier fix has added a scheduler)"
    )
    if run.failure is None:
        print("no failures")
        return
    script, error = run.failure
    endings = "CRLF" if script.newline == "\r\n" else "LF"
    ending = "" if script.final_newline else ", no newline at the end"
    print(f"\nFAILURE on this (shrunk) script ({endings} line endings{ending}):\n" + "-" * 72)
    print(script.text.replace("\r\n", "\n").rstrip("\n"))
    print("-" * 72 + "\n" + error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="how many scripts to generate (default 2000)")
    parser.add_argument("--seed", type=int, help="make the run reproducible (default: a random seed, printed)")
    args = parser.parse_args(argv)
    seed_used = args.seed if args.seed is not None else random.randrange(2**32)
    run = Run()
    search = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    properties = seed(seed_used)(search(given(training_scripts())(run.check)))
    start = time.perf_counter()
    with contextlib.suppress(Exception):  # a failure is reported below, with the shrunk script
        properties()
    report(run, time.perf_counter() - start, seed_used)
    return 1 if run.failure else 0


if __name__ == "__main__":
    sys.exit(main())
