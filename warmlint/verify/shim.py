"""Child entry point: run the user's script under the recorder and always leave a report.

``python -m warmlint.verify.shim [--steps K] [--total-steps N] [--device D] -- SCRIPT [ARGS...]``
runs SCRIPT as ``__main__`` with ``sys.argv = [SCRIPT, *ARGS]`` and writes the JSON report to
the path in ``$WARMLINT_VERIFY_REPORT``: after the script stops, finishes, raises or exits,
and on SIGTERM (how the parent ends a script that ran past its timeout).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import runpy
import signal
import sys
import traceback
from types import FrameType
from typing import Any, NoReturn

from warmlint.verify.protocol import ADDED_PATH_ENV, REPORT_ENV, SETUP_FAILED, write_report


def main(argv: list[str] | None = None) -> NoReturn:
    options = _parse_args(sys.argv[1:] if argv is None else argv)
    report_path = os.environ.pop(REPORT_ENV)
    try:
        import torch
    except ImportError as error:
        _write_setup_error(report_path, "torch-missing", str(error))
    if options.device == "cuda" and not torch.cuda.is_available():
        _write_setup_error(report_path, "no-cuda", "no CUDA GPU is visible to PyTorch")
    from warmlint.verify.child_report import Ending, build_report, describe_exception
    from warmlint.verify.hints import collect_hints
    from warmlint.verify.recorder import Recorder, StopVerify

    _drop_added_path()
    script = os.path.abspath(options.script)
    owner_pid = os.getpid()
    written = False

    def finish(ending: Ending) -> None:
        nonlocal written
        if written or os.getpid() != owner_pid:
            return
        written = True
        write_report(build_report(recorder, ending, options.total_steps, torch.__version__), report_path)

    def give_up() -> NoReturn:
        finish(Ending("stopped"))
        _exit(0)

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner_pid:  # a forked DataLoader worker: die as usual
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if recorder.hints is None:
            recorder.hints = collect_hints(frame, script)
        finish(Ending("terminated"))
        _exit(128 + signum)

    recorder = Recorder(options.steps, script, give_up)
    recorder.install()
    signal.signal(signal.SIGTERM, on_terminate)
    atexit.register(lambda: finish(Ending("exited", exit_code=None)))

    sys.argv = [script, *options.script_args]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
        ending = Ending("stopped" if recorder.stopping else "completed")
    except StopVerify:
        ending = Ending("stopped")
    except SystemExit as stop:
        code = _exit_status(stop.code)
        if recorder.stopping:
            ending = Ending("stopped")
        else:
            ending = Ending("completed") if code == 0 else Ending("exited", exit_code=code)
    except BaseException as error:
        if recorder.stopping:
            ending = Ending("stopped")
        else:
            _print_traceback(error)
            if recorder.hints is None:
                recorder.hints = collect_hints(_innermost_frame(error), script)
            ending = Ending("raised", error=describe_exception(error, script))
    # Let go of the script's frames so DataLoader iterators shut their workers down.
    gc.collect()
    finish(ending)
    _exit({"completed": 0, "stopped": 0, "raised": 1}.get(ending.status, ending.exit_code or 0))


def _parse_args(argv: list[str]) -> argparse.Namespace:
    """Options, then ``--``, then the script and its own arguments, passed through untouched."""
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="python -m warmlint.verify.shim")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--total-steps", type=int, default=None)
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    options = parser.parse_args(argv[:split])
    if split + 1 >= len(argv):
        parser.error("expected -- SCRIPT [ARGS...]")
    options.script, options.script_args = argv[split + 1], argv[split + 2 :]
    return options


def _drop_added_path() -> None:
    """Undo the PYTHONPATH entry the parent added, so the script sees its usual sys.path."""
    added = os.environ.pop(ADDED_PATH_ENV, None)
    if not added:
        return
    if added in sys.path[1:]:
        sys.path.pop(sys.path.index(added, 1))
    entries = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if entries and entries[0] == added:
        entries.pop(0)
    if entries:
        os.environ["PYTHONPATH"] = os.pathsep.join(entries)
    else:
        os.environ.pop("PYTHONPATH", None)


def _write_setup_error(report_path: str, kind: str, message: str) -> NoReturn:
    write_report({"status": "setup_error", "error": {"type": kind, "message": message}}, report_path)
    _exit(SETUP_FAILED)


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
    while tb is not None and (tb.tb_frame.f_code.co_filename == __file__ or "runpy" in tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)


def _innermost_frame(error: BaseException) -> FrameType | None:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame if tb is not None else None


def _exit(code: int) -> NoReturn:
    """Leave at once: non-daemon threads the script started must not keep the run alive."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
