"""Tests for ``warmlint verify --nproc-per-node``: real torchrun launches of small DDP scripts on CPU
(gloo), plus the rank comparison, the launcher hint and the report files on plain data.

Each launch starts torch.distributed.run and one process per rank, all importing torch, so the
launches start together on a thread pool when the first slow test asks for them.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from concurrent_runs import ConcurrentRuns

from warmlint.verify.checks import FAIL, INFO, PASS
from warmlint.verify.launch_hint import launcher_hint
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.rank_files import pid_path, read_rank_pids, read_rank_reports, report_path
from warmlint.verify.ranks import check_ranks_agree, first_difference, rank_notes, rank_series
from warmlint.verify.record import Ending, OptimizerRecord, RankRecord, RunRecord
from warmlint.verify.render import chart_series
from warmlint.verify.result import VerifyResult

SCRIPTS = Path(__file__).resolve().parent / "verify_scripts"
# Runs the CLI in a fresh interpreter, as `warmlint verify ARGS` would.
CLI = "from warmlint.cli.verify import verify_command; verify_command()"
HANG_TIMEOUT = 20
# Past the timeout: SIGTERM, the ranks' reports, then SIGKILL after run.TERMINATE_GRACE_SECONDS at most.
HANG_SLACK = 15
CONSTANT_DDP = """\
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

dist.init_process_group("gloo")
model = DistributedDataParallel(torch.nn.Linear(4, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
total_steps = 200
for step in range(total_steps):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""


def lrs(*values: float) -> tuple[tuple[float, ...], ...]:
    return tuple((value,) for value in values)


def rank(
    number: int, *values: float, status: ReportStatus = ReportStatus.STOPPED, location: str | None = None
) -> RankRecord:
    return RankRecord(number, lrs(*values), status, location)


def record(values: list[float], ranks: tuple[RankRecord, ...] = ()) -> RunRecord:
    return RunRecord(
        optimizers=(OptimizerRecord("SGD", len(values), lrs(*values)),),
        primary=0,
        projected=(),
        total_steps=None,
        total_steps_source=None,
        schedulers=(),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.STOPPED),
        ranks=ranks,
    )


# -- the rank comparison, on plain data ---------------------------------------------------------


def test_ranks_that_agree_pass():
    result = check_ranks_agree([rank(0, 0.1, 0.2, 0.3), rank(1, 0.1, 0.2, 0.3)], world_size=2)
    assert result.line() == "ranks-agree: PASS: all 2 ranks ran the same LR at each of the 3 steps"


def test_float_noise_within_the_tolerance_agrees():
    assert first_difference(rank(0, 0.3), rank(1, 0.1 + 0.2)) is None
    assert first_difference(rank(0, 0.3), rank(1, 0.3 * (1 + 1e-5))) is not None
    assert first_difference(rank(0, math.nan), rank(1, math.nan)) is None


def test_a_rank_dependent_lr_fails_at_the_first_differing_step():
    ranks = [rank(0, 0.01, 0.02, 0.03), rank(1, 0.01, 0.01, 0.01), rank(2, 0.01, 0.02, 0.05)]
    result = check_ranks_agree(ranks, world_size=3)
    assert result.status == FAIL
    assert result.message == "at step 2 rank 1 ran LR 0.01, rank 0 0.02; rank 2 also differ from rank 0"


def test_close_lrs_are_shown_with_enough_digits_to_differ():
    result = check_ranks_agree([rank(0, 1e-3), rank(1, 1.0001e-3)], world_size=2)
    assert result.message == "at step 1 rank 1 ran LR 0.0010001, rank 0 0.001"


def test_a_difference_in_another_param_group_names_it():
    reference = RankRecord(0, ((0.1, 0.01),), ReportStatus.STOPPED)
    other = RankRecord(1, ((0.1, 0.02),), ReportStatus.STOPPED)
    assert check_ranks_agree([reference, other], 2).message == (
        "at step 1 rank 1 ran LR 0.02 in param group 1, rank 0 0.01"
    )


def test_ranks_that_ran_different_lengths_are_compared_where_they_overlap():
    result = check_ranks_agree([rank(0, 0.1, 0.2, 0.3), rank(1, 0.1, 0.2, status=ReportStatus.RAISED)], world_size=2)
    assert result.status == PASS
    assert result.message.endswith("at each of the 2 steps they all ran (rank 0: 3 steps, rank 1: 2 steps)")


def test_a_missing_rank_is_named_and_one_rank_alone_cannot_be_compared():
    assert check_ranks_agree([rank(0, 0.1), rank(1, 0.1)], world_size=3).message.endswith("(rank 2 left no report)")
    alone = check_ranks_agree([rank(0, 0.1)], world_size=2)
    assert (alone.status, alone.message) == (INFO, "cannot tell: fewer than two ranks reported (rank 1 left no report)")


def test_notes_say_where_the_ranks_waited_when_the_time_ran_out():
    ranks = (rank(0, 0.1, 0.1, location="train.py:27"), rank(1, 0.1, 0.1, location="train.py:30"))
    assert rank_notes(ranks, timed_out=True) == [
        "when the time ran out, rank 0 at train.py:27 after 2 optimizer steps, rank 1 at train.py:30 "
        "after 2 optimizer steps; a rank waiting in a collective another never joins hangs them all"
    ]
    crashed = (rank(0, 0.1, 0.1, status=ReportStatus.TERMINATED), rank(1, 0.1, status=ReportStatus.RAISED))
    assert rank_notes(crashed, timed_out=False) == [
        "rank 1 raised an exception after 1 optimizer steps, rank 0 was terminated after 2"
    ]
    assert rank_notes((rank(0, 0.1), rank(1, 0.1)), timed_out=False) == []


def test_only_disagreeing_ranks_are_charted_with_their_digit():
    run = record([0.1, 0.2, 0.3], ranks=(rank(0, 0.1, 0.2, 0.3), rank(1, 0.1, 0.2, 0.3), rank(2, 0.1, 0.1, 0.3)))
    extra = rank_series(run)
    assert [(s.label, s.mark, list(s.points)) for s in extra] == [("rank 2, where it differs", "2", [(2, 0.1)])]
    result = VerifyResult("train.py", 1, run=run)
    assert [s.label for s in chart_series(result)] == ["observed", "rank 2, where it differs"]


def test_json_carries_each_ranks_trajectory_only_for_a_distributed_run():
    run = record([0.1, 0.2], ranks=(rank(0, 0.1, 0.2), rank(1, 0.1, 0.1)))
    data = VerifyResult("train.py", 1, run=run).to_json()
    assert data["ranks"] == {
        "0": [{"step": 1, "lrs": [0.1]}, {"step": 2, "lrs": [0.2]}],
        "1": [{"step": 1, "lrs": [0.1]}, {"step": 2, "lrs": [0.1]}],
    }
    assert "ranks" not in VerifyResult("train.py", 0, run=record([0.1])).to_json()


def test_rank_files_are_read_back_by_rank_and_half_written_ones_skipped(tmp_path):
    report_path(tmp_path, 1).write_text(json.dumps({"status": "stopped"}))
    report_path(tmp_path, 0).write_text(json.dumps({"status": "terminated"}))
    (tmp_path / "rank-2.json.partial").write_text("{")
    pid_path(tmp_path, 0).write_text("123")
    pid_path(tmp_path, 1).write_text("")
    assert read_rank_reports(tmp_path) == {0: {"status": "terminated"}, 1: {"status": "stopped"}}
    assert read_rank_pids(tmp_path) == [123]


# -- the hint for a script that needs a launcher ------------------------------------------------


def test_a_missing_rank_variable_gets_the_launcher_hint():
    ending = Ending(ReportStatus.RAISED, error_type="KeyError", error_message="'LOCAL_RANK'", location="train.py:4")
    assert launcher_hint(ending) == (
        "the script expects to be launched by torchrun: LOCAL_RANK is not set at train.py:4; "
        "pass --nproc-per-node N to run it under torch.distributed.run"
    )


def test_init_process_group_without_its_variables_gets_the_hint():
    message = (
        "Error initializing torch.distributed using env:// rendezvous: environment variable RANK expected, but not set"
    )
    assert "RANK is not set" in (
        launcher_hint(Ending(ReportStatus.RAISED, error_type="ValueError", error_message=message)) or ""
    )


def test_other_errors_get_no_hint():
    assert launcher_hint(Ending(ReportStatus.RAISED, error_type="KeyError", error_message="'lr'")) is None
    assert launcher_hint(Ending(ReportStatus.EXITED, error_type="KeyError", error_message="'RANK'")) is None
    unrelated = "environment variable DATA_DIR expected, but not set"
    assert launcher_hint(Ending(ReportStatus.RAISED, error_type="ValueError", error_message=unrelated)) is None


# -- real launches --------------------------------------------------------------------------------


def command(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=timeout)


def timed(
    job: Callable[[], subprocess.CompletedProcess[str]],
) -> Callable[[], tuple[subprocess.CompletedProcess[str], float]]:
    def run() -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        return job(), time.monotonic() - started

    return run


def alive(pid: int) -> bool:
    """Running, not a zombie."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def processes_naming(marker: str) -> list[str]:
    """Live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid() and alive(int(entry.name)):
            try:
                args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in args:
                found.append(f"{entry.name}: {args}")
    return found


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("torch")
    scratch = tmp_path_factory.mktemp("verify-distributed")
    hang = scratch / "hang"
    hang.mkdir()
    (scratch / "compare").mkdir()
    (scratch / "compare" / "train.py").write_text(CONSTANT_DDP)
    ranks = ("--nproc-per-node", "2", "--steps", "10", "--device", "cpu")
    jobs: dict[str, Callable[[], object]] = {
        "hang": timed(
            lambda: command(*ranks, "--timeout", str(HANG_TIMEOUT), str(SCRIPTS / "ddp_hangs.py"), "--", str(hang))
        ),
        "passes": lambda: command(*ranks, str(SCRIPTS / "ddp_warmup.py")),
        "rank_dependent": lambda: command(*ranks, "--format", "json", str(SCRIPTS / "ddp_rank0_scheduler.py")),
        "compare": lambda: command(*ranks, "--compare", "--format", "json", str(scratch / "compare" / "train.py")),
        "unlaunched_init": lambda: command("--steps", "10", str(SCRIPTS / "ddp_warmup.py")),
        "unlaunched_environ": lambda: command("--steps", "10", str(SCRIPTS / "ddp_hangs.py"), "--", str(scratch)),
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures: dict[str, Future] = {name: pool.submit(job) for name, job in jobs.items()}
        yield ConcurrentRuns(futures, scratch)


@pytest.mark.slow
def test_a_ddp_run_with_warmup_and_decay_passes_on_every_rank(runs):
    done = runs["passes"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ranks-agree: PASS: all 2 ranks ran the same LR at each of the 10 steps" in done.stdout
    assert "warmup: PASS: the LR rises from 0.01 at step 1 to the peak 0.1 at step 10" in done.stdout
    assert "decay: PASS" in done.stdout
    assert done.stdout.rstrip().endswith("ddp_warmup.py: passed")


@pytest.mark.slow
def test_a_scheduler_stepped_on_rank_0_only_fails_ranks_agree(runs):
    done = runs["rank_dependent"]
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(done.stdout)
    failed = [check for check in data["checks"] if check["status"] == "fail"]
    assert [check["name"] for check in failed] == ["ranks-agree"]
    assert failed[0]["message"] == "at step 2 rank 1 ran LR 0.01, rank 0 0.0197"
    assert sorted(data["ranks"]) == ["0", "1"]
    assert [step["lrs"][0] for step in data["ranks"]["1"]] == [pytest.approx(0.01)] * 10
    assert data["observed"] == data["ranks"]["0"]  # the other checks judge rank 0


@pytest.mark.slow
def test_a_rank_stuck_in_a_collective_ends_within_the_timeout_and_leaves_nothing(runs):
    done, seconds = runs["hang"]
    assert seconds < HANG_TIMEOUT + HANG_SLACK, seconds
    assert f"timed out after {HANG_TIMEOUT} s" in done.stdout, done.stdout + done.stderr
    if done.returncode == 1:  # both ranks reached step 2 before the time ran out
        assert "runs: FAIL: the script timed out after 20 s, at optimizer step 2" in done.stdout
        assert "rank 0 at ddp_hangs.py:27 after 2 optimizer steps, rank 1 at ddp_hangs.py:30" in done.stdout
    else:  # torch took the whole timeout to import on a loaded machine
        assert done.returncode == 2
    hang = runs.scratch / "hang"
    assert processes_naming(str(hang)) == []
    pids = [int(path.read_text()) for path in hang.glob("*.pid")]
    assert pids and not [pid for pid in pids if alive(pid)]


@pytest.mark.slow
def test_compare_runs_both_versions_on_every_rank(runs):
    done = runs["compare"]
    data = json.loads(done.stdout)
    assert data["fix_changes_script"] is True
    assert (data["before"]["exit_code"], data["after"]["exit_code"], done.returncode) == (1, 0, 0)
    for side in ("before", "after"):
        agree = next(check for check in data[side]["checks"] if check["name"] == "ranks-agree")
        assert agree["status"] == "pass"
        assert sorted(data[side]["ranks"]) == ["0", "1"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("job", "variable", "where"),
    [("unlaunched_init", "RANK", "ddp_warmup.py:17"), ("unlaunched_environ", "RANK", "ddp_hangs.py:16")],
)
def test_a_script_for_torchrun_run_without_it_gets_a_one_line_hint(runs, job, variable, where):
    done = runs[job]
    assert done.returncode == 2
    assert done.stdout.splitlines()[1:] == [
        f"  cannot check: the script expects to be launched by torchrun: {variable} is not set at {where}; "
        "pass --nproc-per-node N to run it under torch.distributed.run"
    ]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_ctrl_c_leaves_no_rank_behind(tmp_path):
    pytest.importorskip("torch")
    args = ["--nproc-per-node", "2", "--steps", "10", "--timeout", "240", str(SCRIPTS / "ddp_hangs.py"), "--"]
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, *args, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wanted = [tmp_path / f"{kind}-{number}.pid" for kind in ("rank", "helper") for number in (0, 1)]
    deadline = time.monotonic() + 120
    while not all(path.exists() for path in wanted) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(path.exists() for path in wanted)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode != 0
    assert processes_naming(str(tmp_path)) == []
    assert not [path for path in wanted if alive(int(path.read_text()))]
