"""Tests for ``warmlint verify``: real child runs of small scripts, plus the pure parts on their own.

Every child run imports torch, which costs seconds, so the runs are started together on a
thread pool when this module's tests begin and each test waits only for its own.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from concurrent_runs import ConcurrentRuns

from warmlint.cli.verify import verify_command
from warmlint.plot.terminal import Series, render_chart
from warmlint.rules.thresholds import Threshold
from warmlint.verify import VerifyResult, verify
from warmlint.verify.checks import (
    check_decay,
    check_no_rebound,
    check_runs,
    check_scheduler_stepped,
    check_steps_per_optimizer_step,
    check_warmup,
    run_checks,
)
from warmlint.verify.child.pace import Pace, pace_from_calls
from warmlint.verify.outcome import TORCH_MISSING
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending, OptimizerRecord, RunRecord, SchedulerRecord
from warmlint.verify.static_schedule import LrPolicy

torch = pytest.importorskip("torch")
lr_scheduler = torch.optim.lr_scheduler

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent / "verify_scripts"
FIXTURES = REPO / "fixtures"
EXPECTED_FAILURES = {
    "wl001_": "warmup",
    "wl002_": "warmup",
    "wl003_": "decay",
    "wl009_": "warmup-completes",
    "wl010_": "no-rebound",
    "wl011_": "schedule-length",
    "wl012_": "steps-per-optimizer-step",
}
PASSING_CLEAN = ("warmup", "onecycle", "sequential", "nanogpt")
# Clean because check asks for no warmup or decay at their LR (or of their optimizer), or because
# the schedule resumes mid-run: verify must not fail what check passes.
PASSING_CLEAN += ("low_lr_sgd", "adam_default", "adadelta", "gcn_adam_constant", "initial_lr_resume")
PASSING_CLEAN += ("single_update_test", "optimizer_per_denoising_step")  # no training run, for check


def fixture_expectation(folder: Path) -> str | None:
    """'pass', the name of the check that must fail, or None when the fixture has no expectation here."""
    for prefix, check in EXPECTED_FAILURES.items():
        if folder.name.startswith(prefix):
            return check
    if folder.name.startswith("clean_") and any(word in folder.name for word in PASSING_CLEAN):
        return "pass"
    return None


def missing_requirements(script: Path) -> list[str]:
    """Packages named on the script's ``# requires:`` line that this interpreter cannot import."""
    for line in script.read_text().splitlines()[:5]:
        if line.startswith("# requires:"):
            names = [name.strip() for name in line.split(":", 1)[1].split(",")]
            return [name for name in names if name and importlib.util.find_spec(name) is None]
    return []


def fixture_param(script: Path):
    missing = missing_requirements(script)
    marks = [pytest.mark.skip(reason=f"needs {', '.join(missing)}")] if missing else []
    return pytest.param(script, id=script.parent.name, marks=marks)


# The core rules' many pitfall fixtures differ mostly in how a script spells its LR and its loops,
# which check's fixture tests cover; verify runs every third of them (each verify run costs a torch
# start-up), and every fixture of the later rules and every clean one.
SAMPLED = ("wl001_", "wl002_", "wl003_")


def verified_fixtures() -> list[Path]:
    scripts = [p for p in sorted(FIXTURES.glob("*/train.py")) if fixture_expectation(p.parent)]
    sampled = {prefix: [p for p in scripts if p.parent.name.startswith(prefix)][::3] for prefix in SAMPLED}
    return [p for p in scripts if not p.parent.name.startswith(SAMPLED) or p in sampled[p.parent.name[:6]]]


FIXTURE_SCRIPTS = verified_fixtures()
RUNNABLE_FIXTURES = [p for p in FIXTURE_SCRIPTS if not missing_requirements(p)]


def check(result: VerifyResult, name: str):
    return next(c for c in result.checks if c.name == name)


def pid_alive(pid: int, patience: float = 5.0) -> bool:
    """Still running after ``patience`` seconds (a killed process may take a moment; zombies count as gone)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            running = "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
        except OSError:
            running = False
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


# -- the child runs, started together -----------------------------------------------------


# Runs the command in a fresh interpreter and says on stderr, at exit, whether torch got imported there.
CLI = (
    "import atexit, sys; "
    "atexit.register(lambda: print('parent imported torch:', 'torch' in sys.modules, file=sys.stderr)); "
    "from warmlint.cli.verify import verify_command; verify_command()"
)
COMPARE_SOURCE = (
    (SCRIPTS / "constant_lr.py")
    .read_text()
    .replace("import torch\n", "import torch\n\nimport settings\n\ntorch.manual_seed(settings.SEED)\n", 1)
)


def command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``warmlint verify ARGS`` in its own process (CliRunner cannot run on several threads at once)."""
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=300, env=env)


# Long enough for torch to import and three steps to run on a loaded machine (the runs start together).
LATER_TIMEOUT = 45


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory):
    scratch = tmp_path_factory.mktemp("verify-runs")
    (scratch / "workers").mkdir()
    (scratch / "compare").mkdir()
    (scratch / "compare" / "settings.py").write_text("SEED = 0\n")
    (scratch / "compare" / "train.py").write_text(COMPARE_SOURCE)
    (scratch / "noop.py").write_text("print('no training here')\n")
    fake_torch = scratch / "fake" / "torch"
    fake_torch.mkdir(parents=True)
    (fake_torch / "__init__.py").write_text("raise ImportError('no torch in this interpreter')\n")
    jobs: dict[str, Callable[[], object]] = {
        "compare": lambda: command(str(scratch / "compare" / "train.py"), "--compare", "--format", "json"),
        "hangs": lambda: verify(SCRIPTS / "hangs.py", [str(scratch / "helper.pid")], timeout=3),
        "hangs_later": lambda: verify(SCRIPTS / "hangs.py", [str(scratch / "later-helper.pid")], timeout=LATER_TIMEOUT),
        "workers": lambda: verify(SCRIPTS / "loader_workers.py", [str(scratch / "workers")], steps=10),
        "cli_json": lambda: command(
            str(SCRIPTS / "needs_args.py"),
            "--steps",
            "5",
            "--format",
            "json",
            "--plot",
            str(scratch / "lr.png"),
            "--",
            "--lr",
            "0.5",
            "--epochs",
            "4",
            "--batches",
            "3",
        ),
        "torch_missing_child": lambda: command(
            str(scratch / "noop.py"), env={**os.environ, "PYTHONPATH": str(fake_torch.parent)}
        ),
        "constant": lambda: verify(SCRIPTS / "constant_lr.py"),
        "warmup_cosine": lambda: verify(SCRIPTS / "warmup_cosine.py"),
        "warmup_flat": lambda: verify(SCRIPTS / "warmup_flat.py"),
        "long_loop": lambda: verify(SCRIPTS / "warmup_only_long_loop.py", steps=150),
        "short_cosine": lambda: verify(SCRIPTS / "short_cosine.py"),
        "scheduler_first": lambda: verify(SCRIPTS / "scheduler_first.py"),
        "crash_after": lambda: verify(SCRIPTS / "crashes.py", ["--at", "5"]),
        "crash_before": lambda: verify(SCRIPTS / "crashes.py", ["--at", "0"]),
        "never_steps": lambda: verify(SCRIPTS / "never_steps.py"),
        "exits_early": lambda: verify(SCRIPTS / "exits_early.py"),
        "bare_except": lambda: verify(SCRIPTS / "bare_except.py", steps=20),
        "aborts": lambda: verify(SCRIPTS / "aborts.py"),
        "loud": lambda: verify(SCRIPTS / "loud.py"),
    }
    for script in RUNNABLE_FIXTURES:
        jobs[script.parent.name] = lambda script=script: verify(script, steps=1000)
    # Several runs share few cores: one thread each keeps torch from wasting CPU on contention.
    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(max_workers=4) as pool:
        patch.setenv("OMP_NUM_THREADS", "1")
        futures: dict[str, Future] = {name: pool.submit(job) for name, job in jobs.items()}
        yield ConcurrentRuns(futures, scratch)


# -- verdicts on small scripts ----------------------------------------------------------------


@pytest.mark.slow
def test_constant_high_lr_fails_warmup(runs):
    result = runs["constant"]
    assert result.exit_code == 1
    warmup = check(result, "warmup")
    assert warmup.line().startswith("warmup: FAIL: step 1 already runs at the peak LR 0.2")
    assert check(result, "decay").failed


@pytest.mark.slow
def test_lambda_warmup_cosine_passes_and_matches_the_schedule(runs):
    result = runs["warmup_cosine"]
    assert result.exit_code == 0, [c.line() for c in result.checks]
    assert not any(c.failed for c in result.checks)

    def expected_lr(step: int) -> float:  # the same schedule, written independently; step is 1-based
        done = step - 1
        if done < 20:
            return 3e-3 * (done + 1) / 20
        return 3e-3 * 0.5 * (1 + math.cos(math.pi * (done - 20) / 380))

    run = result.run
    assert run.steps == 50
    for index, lrs in enumerate(run.observed):
        assert lrs[0] == pytest.approx(expected_lr(index + 1), rel=1e-9, abs=1e-15)
    assert run.total_steps == 400
    for step, lr in run.projected:
        assert lr == pytest.approx(expected_lr(step), rel=1e-9, abs=1e-15)
    assert run.projected[0][0] == 51 and run.projected[-1][0] == 400


@pytest.mark.slow
def test_warmup_then_flat_fails_decay(runs):
    result = runs["warmup_flat"]
    assert result.exit_code == 1
    assert check(result, "warmup").passed
    decay = check(result, "decay")
    assert decay.failed and "never decays" in decay.message


@pytest.mark.slow
def test_the_run_length_comes_from_the_scripts_loop(runs):
    result = runs["long_loop"]
    assert result.run.total_steps == 100000
    assert result.run.total_steps_source == "the script's loops: `100000`"
    assert check(result, "warmup").passed
    decay = check(result, "decay")
    assert decay.failed and "(100000)" in decay.message
    assert result.exit_code == 1


@pytest.mark.slow
def test_cosine_shorter_than_the_run_fails_no_rebound(runs):
    result = runs["short_cosine"]
    rebound = check(result, "no-rebound")
    assert rebound.failed
    assert "climbs back" in rebound.message and "T_max = 100" in rebound.message
    assert any("periodic" in note for note in result.run.notes)


@pytest.mark.slow
def test_scheduler_stepped_before_the_optimizer_fails(runs):
    result = runs["scheduler_first"]
    stepped = check(result, "scheduler-stepped")
    assert stepped.failed and "before the first optimizer.step()" in stepped.message


# -- scripts that misbehave ----------------------------------------------------------------------


@pytest.mark.slow
def test_crash_after_some_steps_fails_and_names_the_line(runs):
    result = runs["crash_after"]
    assert result.exit_code == 1
    ran = check(result, "runs")
    assert ran.failed
    assert "ValueError: the data ran out at crashes.py:13" in ran.message and "after 5 optimizer steps" in ran.message


@pytest.mark.slow
def test_crash_before_any_step_cannot_be_checked(runs):
    result = runs["crash_before"]
    assert result.exit_code == 2
    assert "crashes.py:13" in result.problem and "before its first optimizer step" in result.problem


@pytest.mark.slow
def test_script_that_never_steps_says_so_with_its_stderr(runs):
    result = runs["never_steps"]
    assert result.exit_code == 2
    assert "never reached an optimizer step" in result.problem
    assert "dataset is empty, nothing to train on" in result.problem


@pytest.mark.slow
def test_timeout_says_how_far_the_script_got(runs):
    result = runs["hangs"]
    if result.problem:  # torch took more than the 3 s to import: no step yet
        assert result.exit_code == 2
        assert "timed out after 3 s, before its first optimizer step" in result.problem
    else:
        assert result.exit_code == 1
        assert check(result, "runs").message == "the script timed out after 3 s, at optimizer step 3"
    helper = runs.scratch / "helper.pid"
    assert not helper.exists() or not pid_alive(int(helper.read_text()))


@pytest.mark.slow
def test_timeout_leaves_no_process_behind(runs):
    result = runs["hangs_later"]
    assert result.exit_code == 1
    assert check(result, "runs").message == f"the script timed out after {LATER_TIMEOUT} s, at optimizer step 3"
    assert not pid_alive(int((runs.scratch / "later-helper.pid").read_text()))


def test_timeout_after_some_steps_says_where_it_got():
    run = record([0.1, 0.1, 0.1], completed=False)
    run = RunRecord(**{**run.__dict__, "ending": Ending(ReportStatus.TERMINATED, timed_out=True, timeout=3)})
    assert check_runs(run).line() == "runs: FAIL: the script timed out after 3 s, at optimizer step 3"


@pytest.mark.slow
def test_dataloader_workers_stop_cleanly(runs):
    result = runs["workers"]
    assert result.exit_code == 0, result.problem or [c.line() for c in result.checks]
    assert result.run.steps == 10
    pids = [int(p.name.split("-")[1]) for p in (runs.scratch / "workers").iterdir()]
    assert pids and not any(pid_alive(pid) for pid in pids)


@pytest.mark.slow
def test_sys_exit_before_any_step(runs):
    result = runs["exits_early"]
    assert result.exit_code == 2
    assert "exited with status 3 before its first optimizer step" in result.problem


@pytest.mark.slow
def test_bare_except_cannot_keep_the_script_running(runs):
    result = runs["bare_except"]
    assert result.run is not None and result.run.steps == 20
    assert any("caught the stop" in note for note in result.run.notes)
    assert result.exit_code in (0, 1)


@pytest.mark.slow
def test_os_abort_is_reported(runs):
    result = runs["aborts"]
    assert result.exit_code == 2
    assert "SIGABRT" in result.problem


@pytest.mark.slow
def test_megabytes_of_output_do_not_block_the_run(runs):
    result = runs["loud"]
    assert result.run is not None and result.run.steps == 20 and result.run.completed
    assert len(result.stderr_tail) <= 50 and result.stderr_tail[-1] == "trained"


@pytest.mark.slow
@pytest.mark.parametrize("script", [fixture_param(p) for p in FIXTURE_SCRIPTS])
def test_fixture_verdicts(runs, script):
    result = runs[script.parent.name]
    expectation = fixture_expectation(script.parent)
    lines = result.problem or [c.line() for c in result.checks]
    if expectation == "pass":
        assert result.exit_code == 0, lines
    else:
        assert result.exit_code == 1, lines
        assert check(result, expectation).failed, lines


# -- the command line ------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_passes_arguments_after_the_double_dash_and_prints_json(runs):
    done = runs["cli_json"]
    data = json.loads(done.stdout)
    assert done.returncode == data["exit_code"] == 1, done.stderr  # no warmup
    assert set(data) >= {"passed", "checks", "observed", "projected", "device", "steps", "total_steps"}
    assert data["steps"] == 5 and data["device"] == "cpu" and data["total_steps"] == 12
    assert data["observed"][0] == {"step": 1, "lrs": [0.5]}
    assert data["projected"] and all(set(point) == {"step", "lr"} for point in data["projected"])
    names = {c["name"] for c in data["checks"]}
    assert names >= {"warmup", "decay", "scheduler-stepped", "finite", "no-rebound", "first-step"}
    assert all(set(c) >= {"name", "passed", "message"} for c in data["checks"])
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "pip install 'warmlint[plot]'" in done.stderr
    else:
        assert (runs.scratch / "lr.png").stat().st_size > 0


def test_missing_script_exits_2():
    result = CliRunner().invoke(verify_command, ["no_such_train.py"])
    assert result.exit_code == 2 and "no such file" in result.stdout


@pytest.mark.slow
def test_compare_runs_the_fixed_copy_and_leaves_the_script_alone(runs):
    done = runs["compare"]
    assert (runs.scratch / "compare" / "train.py").read_text() == COMPARE_SOURCE
    data = json.loads(done.stdout)
    assert data["fix_changes_script"]
    before = {c["name"]: c["status"] != "fail" for c in data["before"]["checks"]}
    after = {c["name"]: c["status"] != "fail" for c in data["after"]["checks"]}
    assert not before["warmup"] and after["warmup"] and after["decay"]
    assert done.returncode == 0, done.stderr


# -- torch stays out of the parent ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("job", ["cli_json", "compare", "torch_missing_child"])
def test_the_parent_never_imports_torch(runs, job):
    assert "parent imported torch: False" in runs[job].stderr


def test_torch_missing_in_the_parent(monkeypatch, tmp_path):
    monkeypatch.setattr("warmlint.verify.core.torch_installed", lambda: False)
    script = tmp_path / "train.py"
    script.write_text("pass\n")
    result = verify(script)
    assert result.exit_code == 2 and result.problem == TORCH_MISSING


@pytest.mark.slow
def test_torch_missing_in_the_child(runs):
    done = runs["torch_missing_child"]
    assert done.returncode == 2
    assert TORCH_MISSING in done.stdout


# -- devices --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_run_records_the_gpu():
    on_gpu = verify(SCRIPTS / "on_cuda.py", device="cuda")
    assert on_gpu.exit_code == 0, on_gpu.problem or [c.line() for c in on_gpu.checks]
    assert on_gpu.run.device.startswith("cuda")
    on_cpu = verify(SCRIPTS / "on_cuda.py", device="cpu")
    assert on_cpu.run.device == "cpu"


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when no GPU is visible")
def test_device_cuda_without_a_gpu_fails_clearly(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("pass\n")
    result = verify(script, device="cuda")
    assert result.exit_code == 2 and "no CUDA GPU" in result.problem


# -- the pure parts -------------------------------------------------------------------------------


def record(lrs: list[float], *, completed: bool = True, projected=(), schedulers=(), total=None) -> RunRecord:
    return RunRecord(
        optimizers=(OptimizerRecord("SGD", len(lrs), tuple((lr,) for lr in lrs)),),
        primary=0,
        projected=tuple(projected),
        total_steps=total or len(lrs),
        total_steps_source=None,
        schedulers=tuple(schedulers),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.COMPLETED if completed else ReportStatus.STOPPED),
    )


def scheduler(calls: tuple[int, ...], name: str = "LambdaLR", restarts: str | None = None) -> SchedulerRecord:
    return SchedulerRecord(name, 0, True, calls, restarts, None)


def test_warmup_that_jumps_to_the_peak_fails():
    result = check_warmup(record([1e-4] * 10 + [0.05] * 30))
    assert result.failed and "jumps from 0.0001 to 0.05 at step 11" in result.message


SGD_NEEDS_WARMUP = LrPolicy("SGD", Threshold(0.4, False, "sgd-needs-warmup"), unscheduled=False)


def test_no_warmup_is_no_failure_where_check_would_ask_for_none():
    decaying = [0.05 * 0.9**s for s in range(40)]
    warmup = check_warmup(record(decaying), SGD_NEEDS_WARMUP)
    assert warmup.status == "info" and "SGD at 0.05 needs none (check asks for a warmup at lr > 0.4)" in warmup.message
    checks = {c.name: c for c in run_checks(record(decaying), SGD_NEEDS_WARMUP)}
    assert checks["first-step"].passed, "no 'too high a start' where no warmup is needed"


def test_no_warmup_fails_from_the_threshold_and_without_one():
    decaying = [0.5 * 0.9**s for s in range(40)]
    assert check_warmup(record(decaying), SGD_NEEDS_WARMUP).failed  # 0.5 > 0.4
    assert check_warmup(record([0.05 * 0.9**s for s in range(40)])).failed  # the script was not analysed
    # A jump to the peak is a constant warmup at any LR: the threshold does not excuse it.
    assert check_warmup(record([1e-4] * 10 + [0.05] * 30), SGD_NEEDS_WARMUP).failed


def test_a_constant_lr_that_check_would_not_flag_needs_no_decay():
    constant = [0.01] * 40
    held = LrPolicy("SGD", Threshold(0.1, True, "sgd-high"), unscheduled=True)
    checks = {c.name: c for c in run_checks(record(constant), held)}
    assert checks["decay"].status == "info" and "SGD at 0.01 needs no schedule" in checks["decay"].message
    assert checks["warmup"].status == "info"
    assert check_decay(record([0.2] * 40), held).failed, "from WL001's high LR a constant run fails"
    scheduled = LrPolicy("SGD", Threshold(0.4, False, "sgd-needs-warmup"), unscheduled=False)
    assert check_decay(record(constant), scheduled).failed, "a schedule that never decays is WL003's, at any LR"


def test_an_optimizer_that_is_no_training_run_needs_no_warmup_or_schedule():
    single = LrPolicy("SGD", Threshold(0.1, True, "sgd-high"), True, not_a_run="stepped outside any loop")
    assert check_warmup(record([1.0]), single).status == "info"
    assert "check judges no schedule of this SGD" in check_decay(record([1.0]), single).message


def test_an_optimizer_check_never_judges_needs_no_warmup_or_schedule():
    never = LrPolicy("Adagrad", None, unscheduled=True)
    assert check_warmup(record([1.0] * 40), never).status == "info"
    assert check_decay(record([1.0] * 40), never).status == "info"


def test_linear_warmup_from_zero_passes_with_a_first_step_note():
    lrs = [0.1 * i / 10 for i in range(10)] + [0.1 * (1 - i / 30) for i in range(30)]
    checks = {c.name: c for c in run_checks(record(lrs))}
    assert not any(c.failed for c in checks.values())
    assert checks["first-step"].status == "info" and not checks["first-step"].passed  # INFO is not a pass


def test_rebound_is_intended_for_cyclic_schedulers():
    lrs = [0.01, 0.1, 0.05, 0.0, 0.05, 0.1, 0.05, 0.0]
    assert check_no_rebound(record(lrs)).failed
    cyclic = scheduler((1, 2, 3, 4, 5, 6, 7), "CyclicLR", restarts="CyclicLR")
    assert check_no_rebound(record(lrs, schedulers=[cyclic])).status == "info"


def test_scheduler_cadence_verdicts():
    lrs = [0.1] * 8
    per_epoch = check_scheduler_stepped(record(lrs, schedulers=[scheduler((4, 8))]))
    assert per_epoch.passed and "once every 4 steps" in per_epoch.message
    twice = record(lrs, schedulers=[scheduler((1, 1, 2, 2, 3, 3))])
    # One check owns a scheduler stepped too often; the other points to it instead of failing twice.
    assert check_scheduler_stepped(twice).status == "info"
    assert "2 times per optimizer step: see steps-per-optimizer-step" in check_scheduler_stepped(twice).message
    assert check_steps_per_optimizer_step(twice).status == "fail"
    never = check_scheduler_stepped(record(lrs, schedulers=[scheduler(())]))
    assert never.failed and "never called" in never.message


def test_nan_lr_fails_finite():
    checks = {c.name: c for c in run_checks(record([0.01, 0.1, math.nan, 0.01]))}
    assert checks["finite"].failed and "step 3" in checks["finite"].message


def test_pace_extends_per_step_and_per_epoch_calls():
    per_step = pace_from_calls([1, 2, 3, 4], observed_steps=5, batches_per_epoch=None)
    assert per_step.rate == 1 and per_step.calls_before(6) == 5 and per_step.calls_before(100) == 99
    per_epoch = pace_from_calls([10, 20], observed_steps=25, batches_per_epoch=None)
    assert per_epoch.rate == Fraction(1, 10) and per_epoch.calls_before(31) == 3
    unseen = pace_from_calls([], observed_steps=5, batches_per_epoch=40)
    assert unseen == Pace(0, 0, Fraction(1, 40))


def test_text_chart_has_fixed_size_and_labels():
    chart = render_chart(
        [
            Series("observed", "*", [(s, s / 50) for s in range(1, 51)]),
            Series("projected", ".", [(s, 1 - s / 1000) for s in range(51, 1001)], projected=True),
        ],
        width=60,
        height=12,
    )
    lines = chart.splitlines()
    assert len(lines) == 12 + 3
    assert all(len(line.split("|", 1)[1]) == 60 for line in lines[:12])
    assert lines[0].lstrip().startswith("1 |") and "step 1" in lines[13] and lines[13].endswith("1000")
    assert "* observed (steps 1-50)" in lines[14] and ". projected (steps 51-1000)" in lines[14]


# -- projection speed (in-process, on live schedulers) --------------------------------------------


def _project(make_scheduler, total: int):
    from warmlint.verify.child.projection import project

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler_ = make_scheduler(optimizer)
    observed = []
    for _ in range(50):
        observed.append([optimizer.param_groups[0]["lr"]])
        optimizer.step()
        scheduler_.step()
    pace = Pace(calls=50, last_position=50, rate=Fraction(1))
    return project(optimizer, observed, total, [(scheduler_, pace)], [])


@pytest.mark.parametrize(
    "make_scheduler",
    [
        lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / 100_000),
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100_000),
        lambda opt: torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda s: 0.99999),
        lambda opt: torch.optim.lr_scheduler.SequentialLR(
            opt,
            [
                torch.optim.lr_scheduler.LinearLR(opt, 0.1, total_iters=500),
                torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=99_500),
            ],
            milestones=[500],
        ),
    ],
    ids=["lambda", "closed-form", "multiplicative", "sequential"],
)
@pytest.mark.slow  # 100,000 steps of four schedulers
def test_projecting_100k_steps_samples_at_most_2001_points(make_scheduler):
    """How fast this is, is measured by benchmarks/bench_projection.py."""
    projection = _project(make_scheduler, 100_000)
    assert projection.points[-1][0] == 100_000
    assert len(projection.points) <= 2001


@pytest.mark.slow  # steps a real OneCycleLR past its end
def test_projection_reports_onecycle_running_out_instead_of_crashing():
    projection = _project(lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=200), 1000)
    assert projection.points and projection.points[-1][0] < 1000
    assert any("OneCycleLR raises ValueError" in note for note in projection.notes)


@pytest.mark.slow  # builds a real model and projects its schedule
def test_projection_never_copies_the_model_parameters(monkeypatch):
    from warmlint.verify.child.projection import detached_copies

    def refuse(self, memo):
        raise AssertionError("a model parameter was deep-copied")

    monkeypatch.setattr(torch.nn.Parameter, "__deepcopy__", refuse)
    model = torch.nn.Linear(100, 100)
    optimizer = torch.optim.AdamW([{"params": [model.weight]}, {"params": [model.bias], "lr": 1e-4}], lr=1e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
    (copied,), stand_in = detached_copies([schedule], optimizer)
    assert copied.optimizer is stand_in and copied is not schedule
    assert [g["lr"] for g in stand_in.param_groups] == [1e-3, 1e-4]
    assert all(p.numel() == 1 for g in stand_in.param_groups for p in g["params"])


SCHEDULES = {
    "lambda": lambda o: [lr_scheduler.LambdaLR(o, lambda s: min(1.0, (s + 1) / 20) * 0.99**s)],
    "step": lambda o: [lr_scheduler.StepLR(o, step_size=30, gamma=0.5)],
    "multistep": lambda o: [lr_scheduler.MultiStepLR(o, milestones=[40, 120, 200], gamma=0.3)],
    "exponential": lambda o: [lr_scheduler.ExponentialLR(o, gamma=0.99)],
    "cosine": lambda o: [lr_scheduler.CosineAnnealingLR(o, T_max=120, eta_min=1e-3)],
    "polynomial": lambda o: [lr_scheduler.PolynomialLR(o, total_iters=250, power=2.0)],
    "onecycle": lambda o: [lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=400)],
    "cyclic": lambda o: [lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=35)],
    "warm-restarts": lambda o: [lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=30, T_mult=2)],
    "multiplicative": lambda o: [lr_scheduler.MultiplicativeLR(o, lambda s: 0.995)],
    "sequential": lambda o: [
        lr_scheduler.SequentialLR(
            o,
            [lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=20), lr_scheduler.CosineAnnealingLR(o, T_max=200)],
            milestones=[20],
        )
    ],
    "chained": lambda o: [
        lr_scheduler.ChainedScheduler(
            [lr_scheduler.ConstantLR(o, factor=0.5, total_iters=60), lr_scheduler.CosineAnnealingLR(o, T_max=250)]
        )
    ],
    "two-schedulers": lambda o: [
        lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=70),
        lr_scheduler.ExponentialLR(o, gamma=0.99),
    ],
    "subclass": lambda o: [HalvingLR(o)],
}


class HalvingLR(lr_scheduler.LRScheduler):
    """A user-defined scheduler: only stepping it tells what it does."""

    def get_lr(self):
        factor = 0.5 if self.last_epoch and self.last_epoch % 60 == 0 else 1.0
        return [group["lr"] * factor for group in self.optimizer.param_groups]


@pytest.mark.parametrize("name", SCHEDULES)
def test_projection_matches_stepping_the_real_schedule(name):
    """Project from step 50 and compare with twin schedulers stepped through the whole run."""
    from warmlint.verify.child.projection import project

    def build():
        groups = [{"params": [torch.zeros(2, requires_grad=True)]}, {"params": [torch.zeros(1, requires_grad=True)]}]
        groups[1]["lr"] = 0.01
        optimizer = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
        return optimizer, SCHEDULES[name](optimizer)

    def step(optimizer, schedulers):
        optimizer.step()
        for one in schedulers:
            one.step()

    truth_optimizer, truth_schedulers = build()
    truth = []
    for _ in range(300):
        truth.append(truth_optimizer.param_groups[0]["lr"])
        step(truth_optimizer, truth_schedulers)
    optimizer, schedulers = build()
    observed = []
    for _ in range(50):
        observed.append([g["lr"] for g in optimizer.param_groups])
        step(optimizer, schedulers)
    paced = [(one, Pace(50, 50, Fraction(1))) for one in schedulers]
    projection = project(optimizer, observed, 300, paced, [])
    assert projection.points[0][0] == 51 and projection.points[-1][0] == 300
    for step_number, lr in projection.points:
        assert lr == pytest.approx(truth[step_number - 1], rel=1e-6, abs=1e-12), step_number
