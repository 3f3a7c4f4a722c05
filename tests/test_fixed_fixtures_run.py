"""Fixed fixtures run for real: the LR each optimizer step used, recorded by `verify`, shows
that the fix did what it says (a ramp from a small LR to the target, then a decay)."""

from __future__ import annotations

import importlib.util
import math
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # every case runs its fixed script under verify

from fixture_pairs import FIXED_NAME  # noqa: E402

from warmlint.config import DEFAULT_FIX, Config  # noqa: E402
from warmlint.engine.fixer import fix_bytes  # noqa: E402
from warmlint.verify import verify  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUN_CAP = 20_000


def missing_framework(script: Path) -> str | None:
    """The first module a `# requires: a, b` fixture needs that is not installed here."""
    first = script.read_text().split("\n", 1)[0]
    if not first.startswith("# requires:"):
        return None
    needed = [name.strip() for name in first.removeprefix("# requires:").split(",")]
    return next((name for name in needed if importlib.util.find_spec(name) is None), None)


def fixed_cases() -> tuple[list[str], dict[str, str]]:
    """The fixable cases that can run here, and those that need a framework this machine lacks.

    A case is fixable when its fixed file lies beside it (tests/test_fix.py holds each fixed file
    to what `fix` writes, and every fixable fixture to having one)."""
    cases, missing = [], {}
    for fixed in sorted((ROOT / "fixtures").glob(f"wl[0-9][0-9][0-9]_*/{FIXED_NAME}")):
        framework = missing_framework(fixed.with_name("train.py"))
        if framework is None:
            cases.append(fixed.parent.name)
        else:
            missing[fixed.parent.name] = framework
    return cases, missing


CASES, MISSING_FRAMEWORK = fixed_cases()


@pytest.mark.parametrize("case", sorted(MISSING_FRAMEWORK))
def test_fixed_fixture_of_a_framework_runs_where_it_is_installed(case):
    """Where the framework is installed, the case is one of CASES and every test below runs it."""
    pytest.skip(f"{MISSING_FRAMEWORK[case]} is not installed")


@lru_cache(maxsize=1)
def verified(tmp_root: str) -> dict:
    """Run a copy of every case's fixed file (two at a time: each run imports torch)."""
    jobs = {}
    for case in CASES:
        target = Path(tmp_root) / case
        shutil.copytree(ROOT / "fixtures" / case, target)
        script = target / "train.py"
        script.write_bytes((target / FIXED_NAME).read_bytes())
        jobs[case] = script
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Every fixed fixture finishes by itself (the longest after 10,000 optimizer steps of one
        # scalar); the cap only stops one that would not.
        results = pool.map(lambda s: verify(s, steps=RUN_CAP, timeout=240, device="cpu"), jobs.values())
        return dict(zip(jobs, results))


@pytest.fixture(scope="session")
def results(tmp_path_factory) -> dict:
    return verified(str(tmp_path_factory.mktemp("fixed")))


def checks(result) -> dict[str, bool]:
    return {check.name: not check.failed for check in result.checks}


def lrs(result) -> list[float]:
    return [group[0] for group in result.run.observed]


@pytest.mark.parametrize("case", [c for c in CASES if c[:5] in ("wl001", "wl002", "wl003")])
def test_fixed_core_pitfalls_ramp_then_decay(results, case):
    result = results[case]
    observed = lrs(result)
    # The phase definitions verify judges by are the ones the fixer wrote the schedule to: even a
    # 5-step run, which warms up for one step from half the peak, passes every check.
    assert not result.failed_checks, [c.message for c in result.failed_checks]
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


def static_verdict(result) -> str:
    return next(check.status for check in result.checks if check.name == "matches-static")


@pytest.mark.parametrize("case", CASES)
def test_every_fixed_run_uses_the_lrs_check_computed(results, case):
    """verify compares each fixed run with the schedule check computes for the fixed file: never a
    disagreement, and for the inserted warmup-then-decay (WL001-WL003) a match wherever the run
    steps it once per optimizer step from one place."""
    result = results[case]
    status = static_verdict(result)
    message = [c.message for c in result.checks if c.name == "matches-static"]
    assert status != "fail", message
    if case[:5] in ("wl001", "wl002", "wl003") and "lightning" not in case and case not in STEPPED_ELSEWHERE:
        assert status == "pass", message


# Fixed runs whose schedule check leaves unpredicted, and why.
STEPPED_ELSEWHERE = {
    "wl002_shared_step_function": "the fix ramps the constant in place under `if step < W`: a conditional write",
    "wl002_warmup_loop_functions": "the scheduler is stepped in the warmup loop and in the main loop",
}


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


# How many optimizer steps each script really takes, counted by hand from its loops, for the
# shapes of run whose `T` is easy to get wrong.
WHOLE_RUNS = {
    "wl001_nested_config_epochs": 300,  # for epoch in range(config["epochs"]): for _ in range(100)
    "wl001_config_dict": 48,  # 3 epochs of a 16-batch DataLoader
    "wl001_while_max_iters": 60,  # while it < max_iters, it += 1 beside the step
    "wl001_grad_accumulation": 40,  # 5 epochs of 32 batches, one update per 4
    "wl001_accumulation_remainder": 6,  # 3 epochs of 10 batches, one update per 4, 2 dropped each epoch
    "wl001_run_5_steps": 5,
    "wl001_run_10_steps": 10,
    "wl001_run_50_steps": 50,
    "wl001_run_10000_steps": 10_000,
}


def inserted_schedule(step: int, warmup: int, total: int, min_ratio: float) -> float:
    """The multiplier the inserted LambdaLR gives after `step` optimizer steps (the spec's formula)."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    progress = min(1.0, max(0.0, (step - warmup) / max(1, total - warmup)))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def assert_spans_the_whole_run(result, steps: int, min_ratio: float) -> None:
    """Every step the run took used the schedule's LR for W and T = `steps`: it warms up from
    1/(W+1) of the peak, peaks after W steps, and reaches the minimum exactly after step T."""
    assert result.run is not None and result.run.completed, result.problem
    observed = lrs(result)
    assert len(observed) == steps, "the script takes the steps counted by hand"
    peak = max(observed)
    warmup = observed.index(peak)
    assert 1 <= warmup <= 0.2 * steps and warmup <= 2000
    assert observed[0] <= peak / (warmup + 1) * (1 + 1e-9)
    expected = [peak * inserted_schedule(s, warmup, steps, min_ratio) for s in range(steps)]
    assert observed == pytest.approx(expected, rel=1e-6, abs=1e-12)
    # A schedule written for any other T would differ by the last step; after it, the minimum.
    assert peak * inserted_schedule(steps, warmup, steps, min_ratio) == pytest.approx(min_ratio * peak, abs=1e-12)
    assert inserted_schedule(steps - 1, warmup, steps + 1, min_ratio) != pytest.approx(
        inserted_schedule(steps - 1, warmup, steps, min_ratio), rel=1e-9
    )


@pytest.mark.parametrize("case", sorted(WHOLE_RUNS))
def test_fixed_run_warms_up_and_decays_to_the_minimum_at_its_end(results, case):
    assert_spans_the_whole_run(results[case], WHOLE_RUNS[case], min_ratio=0.0)


def test_configured_minimum_is_reached_at_the_end(tmp_path):
    """With `min-lr-ratio = 0.1` the run ends at a tenth of the peak, not at zero."""
    case = "wl001_nested_config_epochs"
    config = Config(fix=tuple({**DEFAULT_FIX, "min-lr-ratio": 0.1}.items()))
    shutil.copytree(ROOT / "fixtures" / case, tmp_path / case)
    script = tmp_path / case / "train.py"
    script.write_bytes(fix_bytes(script.read_bytes(), str(script), config).fixed)
    result = verify(script, steps=RUN_CAP, timeout=240, device="cpu")
    assert_spans_the_whole_run(result, WHOLE_RUNS[case], min_ratio=0.1)


# `explain`'s curve is check's prediction drawn: relative to the peak, as verify's matches-static allows.
EXPLAIN_TOLERANCE = 1e-3


@pytest.mark.parametrize("case", CASES)
def test_explain_draws_the_lrs_the_fixed_run_used(results, case, tmp_path):
    """`warmlint explain` on the fixed file draws, at every step it samples that the run observed, the
    LR verify recorded there; wherever verify's static prediction needs nothing but the file (not the
    run's own length, as for `epochs * len(loader)`), explain draws that curve."""
    from warmlint.explain.build import explain_source
    from warmlint.verify.static_schedule import read_script

    script = ROOT / "fixtures" / case / "train.py"
    fixed = script.with_name(FIXED_NAME).read_bytes()
    report = explain_source(fixed, str(script), Config())
    run = results[case].run
    assert run is not None and run.optimizers
    name = run.optimizers[run.primary].name
    drawn = [o.curve for o in report.optimizers if o.name == name and o.training_run and o.curve is not None]
    (tmp_path / "train.py").write_bytes(fixed)
    predicted = [s for s in read_script(tmp_path / "train.py", []).schedules if s.optimizer == name]
    if len(predicted) == 1 and predicted[0].curve is not None:
        assert len(drawn) == 1, f"verify predicts the LRs of {name} from the file, explain draws {len(drawn)} curves"
    if len(drawn) != 1:
        return
    observed = lrs(results[case])
    points = [(step, lr) for step, lr in drawn[0].points if step <= len(observed)]
    assert points, "explain draws none of the steps the run observed"
    peak = max(abs(lr) for _, lr in points) or 1.0
    for step, lr in points:
        assert math.isclose(observed[step - 1], lr, abs_tol=EXPLAIN_TOLERANCE * peak), (step, observed[step - 1], lr)
