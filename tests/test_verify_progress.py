"""Live progress of ``warmlint verify``: the formatter and throttle on their own, then a real run."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from warmlint.verify.progress import (
    PlainProgress,
    Progress,
    TerminalProgress,
    Throttle,
    format_progress,
    progress_printer,
    read_progress,
    showing_progress,
    watch_progress,
    write_progress,
)

SCRIPTS = Path(__file__).resolve().parent / "verify_scripts"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_format_progress_shows_the_step_of_the_limit_and_the_lr():
    assert format_progress(Progress(37, 2.1e-4), 50) == "step 37/50  lr 2.1e-04"
    assert format_progress(Progress(3, float("nan")), 50) == "step 3/50  lr nan"


def test_throttle_lets_the_first_event_through_then_one_per_interval():
    clock = FakeClock()
    throttle = Throttle(0.2, clock)
    seen = []
    for _ in range(100):  # 100 steps in one second
        seen.append(throttle.ready())
        clock.now += 0.01
    assert seen[0] and sum(seen) == 5
    assert [index for index, ready in enumerate(seen) if ready] == [0, 20, 40, 60, 80]


def test_plain_progress_prints_the_first_step_then_every_few_seconds():
    clock = FakeClock()
    stream = io.StringIO()
    printer = PlainProgress(stream, interval=5.0, clock=clock)
    for step in range(1, 21):  # one step a second
        printer.update(Progress(step, step * 1e-4), 50)
        clock.now += 1.0
    printer.finish()
    printer.update(Progress(1, 1e-4), 50)  # the next run (--compare) starts with a line of its own
    assert stream.getvalue().splitlines() == [
        "warmlint verify: step 1/50 lr 1.0e-04",
        "warmlint verify: step 6/50 lr 6.0e-04",
        "warmlint verify: step 11/50 lr 1.1e-03",
        "warmlint verify: step 16/50 lr 1.6e-03",
        "warmlint verify: step 1/50 lr 1.0e-04",
    ]


def test_terminal_progress_rewrites_one_line_and_erases_it_at_the_end():
    stream = io.StringIO()
    printer = TerminalProgress(stream)
    printer.update(Progress(9, 1e-3), 10)
    printer.update(Progress(10, 2e-3), 10)
    printer.finish()
    text = stream.getvalue()
    assert "\n" not in text
    assert text.split("\r")[1:] == ["  step 9/10  lr 1.0e-03", "  step 10/10  lr 2.0e-03", " " * 24, ""]


def test_printer_is_chosen_by_whether_stderr_is_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(progress_printer(Tty()), TerminalProgress)
    assert isinstance(progress_printer(io.StringIO()), PlainProgress)


def test_progress_file_round_trip_and_garbage(tmp_path):
    path = tmp_path / "report.json.progress"
    assert read_progress(path) is None
    write_progress(path, Progress(12, 0.003))
    assert read_progress(path) == Progress(12, 0.003)
    path.write_text("half a li")
    assert read_progress(path) is None


class Recording:
    def __init__(self) -> None:
        self.updates: list[Progress] = []
        self.finished = 0

    def update(self, progress: Progress, limit: int) -> None:
        self.updates.append(progress)

    def finish(self) -> None:
        self.finished += 1


def test_watch_passes_each_new_step_once_and_reads_the_last_one_after_the_run(tmp_path):
    path = tmp_path / "progress"
    listener = Recording()
    with showing_progress(listener), watch_progress(path, 50):
        write_progress(path, Progress(1, 0.1))
        time.sleep(0.35)  # several polls of the same step
        write_progress(path, Progress(50, 0.2))  # written just before the child ends
    assert listener.updates == [Progress(1, 0.1), Progress(50, 0.2)]
    assert listener.finished == 1


def test_watch_without_a_listener_starts_no_thread(tmp_path):
    before = threading.active_count()
    with watch_progress(tmp_path / "progress", 50):
        assert threading.active_count() == before


# -- a real run ---------------------------------------------------------------------------


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``warmlint verify`` with stderr a pipe, not a terminal."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "warmlint", "verify", *args], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.mark.slow
def test_progress_goes_to_stderr_unless_quiet_or_json():
    script = str(SCRIPTS / "warmup_cosine.py")
    with ThreadPoolExecutor(max_workers=3) as pool:
        plain, quiet, as_json = pool.map(
            lambda extra: verify_cli(script, "--steps", "30", *extra), [(), ("--quiet",), ("--format", "json")]
        )
    assert plain.returncode == quiet.returncode == as_json.returncode == 0, plain.stdout + plain.stderr
    lines = [line for line in plain.stderr.splitlines() if line.startswith("warmlint verify: step ")]
    assert lines, plain.stderr
    assert all(line.endswith(tuple("0123456789")) and "/30 lr " in line for line in lines)
    assert "\r" not in plain.stderr
    assert "step " not in plain.stdout.split("\n")[0]  # the report on stdout starts with its own header
    for silent in (quiet, as_json):
        assert "warmlint verify: step" not in silent.stderr + silent.stdout
