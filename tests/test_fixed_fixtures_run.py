"""Fixed fixtures run for real: the LR each optimizer step used, recorded by `verify`, shows
that the fix did what it says (a ramp from a small LR to the target, then a decay)."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # every case runs its fixed script under verify

from warmlint.config import DEFAULT_FIX, Config  # noqa: E402
from warmlint.engine.fixer import fix_bytes  # noqa: E402
from warmlint.verify import verify  # noqa: E402

ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))  # the unsafe fixes too
ROOT = Path(__file__).resolve().parent.parent


def runnable_fixed_cases() -> list[str]:
    cases = []
    for folder in sorted((ROOT / "fixtures").glob("wl[0-9][0-9][0-9]_*")):
        script = folder / "train.py"
        if not script.is_file():
            continue  # a notebook (verify runs scripts); tests/test_notebooks.py checks its fix
        if script.read_text().startswith("# requires"):
            continue  # needs a framework that is not installed here
        if fix_bytes(script.read_bytes(), str(script), ALL_FIXES).applied:
            cases.append(folder.name)
    return cases


CASES = runnable_fixed_cases()


@lru_cache(maxsize=1)
def verified(tmp_root: str) -> dict:
    """Fix a copy of every case and run them all (two at a time: each run imports torch)."""
    jobs = {}
    for case in CASES:
        target = Path(tmp_root) / case
        shutil.copytree(ROOT / "fixtures" / case, target)
        script = target / "train.py"
        script.write_bytes(fix_bytes(script.read_bytes(), str(script), ALL_FIXES).fixed)
        jobs[case] = script
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Every fixed fixture finishes in under 100 optimizer steps; the cap only stops one that would not.
        results = pool.map(lambda s: verify(s, steps=300, timeout=240, device="cpu"), jobs.values())
        return dict(zip(jobs, results))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    return verified(str(tmp_path_factory.mktemp("fixed")))


def checks(result) -> dict[str, bool]:
    return {check.name: check.passed for check in result.checks}


def lrs(result) -> list[float]:
    return [group[0] for group in result.run.observed]


@pytest.mark.parametrize("case", [c for c in CASES if c[:5] in ("wl001", "wl002", "wl003")])
def test_fixed_core_pitfalls_ramp_then_decay(results, case):
    result = results[case]
    assert result.passed, [c.message for c in result.failed_checks]
    observed = lrs(result)
    peak = max(observed)
    # The schedule's first step runs at 1/(W+1) of the peak, reached after W steps. W is the
    # script's own warmup length where it has one (10 steps of a 40-step toy run, say), else 5% of
    # the run (test_schedule_command checks that default stays within 0.2 * T); either ends
    # before the run does.
    warmup = observed.index(peak)
    assert observed[0] <= peak / (warmup + 1) * 1.001, "the first step runs far below the peak"
    assert 1 <= warmup < len(observed) - 1, "the warmup ends before the run does"
    rising = observed[: warmup + 1]
    assert rising == sorted(rising) and len(rising) >= 2, "the LR rises step by step to the peak"
    assert observed[-1] < 0.5 * peak, "and decays by the end of the run"


# What each later rule's fix is about, as the check verify reports on it.
RULE_CHECK = {
    "wl004": "warmup-exists",
    "wl005": "scheduler-stepped",
    "wl006": "scheduler-stepped",
    "wl007": "scheduler-stepped",
    "wl008": "runs",
    "wl009": "warmup-completes",
    "wl010": "no-rebound",
    "wl011": "schedule-length",
    "wl012": "steps-per-optimizer-step",
}


@pytest.mark.parametrize("case", [c for c in CASES if c[:5] in RULE_CHECK])
def test_fixed_later_pitfalls_do_what_the_fix_says(results, case):
    result = results[case]
    assert result.run is not None and result.run.steps > 0, result.problem
    expectation = RULE_CHECK[case[:5]]
    if expectation == "warmup-exists":
        observed = lrs(result)
        assert observed[0] < max(observed), "a warmup now starts below the peak"
    else:
        assert checks(result)[expectation], [c.message for c in result.failed_checks]
