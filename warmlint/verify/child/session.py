"""Child side: one run of the user's script under the recorder, ending in exactly one report."""

from __future__ import annotations

import argparse
import atexit
import os
import runpy
import signal
import sys
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

import torch

from warmlint.verify.child.child_report import ScriptEnd, build_report, describe_exception, frame_location
from warmlint.verify.child.hints import collect_hints
from warmlint.verify.child.horizon import RunTotal
from warmlint.verify.child.progress_writer import report_progress
from warmlint.verify.child.recorder import Recorder, StopVerify
from warmlint.verify.progress import progress_path
from warmlint.verify.protocol import ReportStatus, write_report


class ChildSession:
    """Owns the recorder, the report file, and every way a run can end: return, exception, SIGTERM, give-up."""

    def __init__(self, options: argparse.Namespace, report_path: str, leave: Callable[[int], NoReturn]) -> None:
        self.script = os.path.abspath(options.script)
        self.script_args: list[str] = options.script_args
        self.total_steps: int | None = options.total_steps
        self.script_length = (
            RunTotal(options.script_total_steps, options.script_total_source) if options.script_total_steps else None
        )
        self.report_path = report_path
        # Ends the process at once with the given status.
        self._leave = leave
        self._owner_pid = os.getpid()
        self._written = False
        self.recorder = Recorder(options.steps, self.script, self._give_up)

    def start(self) -> None:
        self.recorder.install()
        report_progress(self.recorder, progress_path(self.report_path), self.total_steps, self.script_length)
        signal.signal(signal.SIGTERM, self.on_terminate)
        atexit.register(lambda: self.finish(ScriptEnd(ReportStatus.EXITED)))

    def run_script(self) -> ScriptEnd:
        """Run the script as ``python SCRIPT ARGS`` would, and say how it ended."""
        recorder = self.recorder
        sys.argv = [self.script, *self.script_args]
        sys.path[0] = os.path.dirname(self.script)
        try:
            runpy.run_path(self.script, run_name="__main__")
        except StopVerify:
            return ScriptEnd(ReportStatus.STOPPED)
        except SystemExit as stop:
            code = _exit_status(stop.code)
            if recorder.stopping or code == 0:
                return ScriptEnd(ReportStatus.STOPPED if recorder.stopping else ReportStatus.COMPLETED)
            return ScriptEnd(ReportStatus.EXITED, exit_code=code)
        except BaseException as error:  # whatever the script raises is reported, not re-raised
            if recorder.stopping:  # the script turned the stop into another exception
                return ScriptEnd(ReportStatus.STOPPED)
            _print_traceback(error)
            if recorder.hints is None:
                recorder.hints = collect_hints(_innermost_frame(error), self.script)
            return ScriptEnd(ReportStatus.RAISED, error=describe_exception(error, self.script))
        return ScriptEnd(ReportStatus.STOPPED if recorder.stopping else ReportStatus.COMPLETED)

    def finish(self, ending: ScriptEnd) -> None:
        """Write the report, once, from the process that runs the script (not a forked worker)."""
        if self._written or os.getpid() != self._owner_pid:
            return
        self._written = True
        report = build_report(self.recorder, ending, self.total_steps, torch.__version__, self.script_length)
        write_report(report, self.report_path)

    def _give_up(self) -> NoReturn:
        self.finish(ScriptEnd(ReportStatus.STOPPED))
        self._leave(0)

    def on_terminate(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._owner_pid:  # a forked DataLoader worker: die as usual
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self.recorder.hints is None:
            self.recorder.hints = collect_hints(frame, self.script)
        # Where it was: for a rank, the collective it waited in.
        self.finish(ScriptEnd(ReportStatus.TERMINATED, error={"location": frame_location(frame, self.script)}))
        self._leave(128 + signum)


def exit_status(ending: ScriptEnd) -> int:
    """The child's own exit status; the parent reads the report, this only helps someone debugging."""
    codes = {ReportStatus.COMPLETED: 0, ReportStatus.STOPPED: 0, ReportStatus.RAISED: 1}
    return codes.get(ending.status, ending.exit_code or 0)


def _exit_status(code: Any) -> int:
    """What the interpreter would exit with for ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _print_traceback(error: BaseException) -> None:
    """Print it as ``python script.py`` would: without the shim's and runpy's frames."""
    tb = error.__traceback__
    while tb is not None and _is_machinery(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)


def _is_machinery(filename: str) -> bool:
    return filename == __file__ or "runpy" in filename


def _innermost_frame(error: BaseException) -> FrameType | None:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame if tb is not None else None
