"""Child entry point: run the user's script under the recorder and always leave a report.

``python -m warmlint.verify.child.shim [--steps K] [--total-steps N] [--script-total-steps N
--script-total-source TEXT] [--device D] -- SCRIPT [ARGS...]``
runs SCRIPT as ``__main__`` with ``sys.argv = [SCRIPT, *ARGS]`` and writes the JSON report to
the path in ``$WARMLINT_VERIFY_REPORT``: after the script stops, finishes, raises or exits,
and on SIGTERM (how the parent ends a script that ran past its timeout). As one rank under
torch.distributed.run (``$WARMLINT_VERIFY_RANK_FOLDER`` set), it writes that rank's report there.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from typing import NoReturn

from warmlint.verify.child.ranks import enter_rank, gpu_shortage, report_on_terminate
from warmlint.verify.protocol import ADDED_PATH_ENV, REPORT_ENV, SETUP_FAILED, ReportStatus, write_report
from warmlint.verify.rank_files import RANK_FOLDER_ENV


def main(argv: list[str] | None = None) -> NoReturn:
    options = _parse_args(sys.argv[1:] if argv is None else argv)
    report_path = os.environ.pop(REPORT_ENV)
    rank_folder = os.environ.pop(RANK_FOLDER_ENV, None)
    if rank_folder:  # one rank of a run under torch.distributed.run
        report_path = enter_rank(rank_folder)
    # Until the recorder is in place, a timeout still leaves a report: "terminated, no step yet".
    signal.signal(signal.SIGTERM, lambda signum, frame: _report_early_termination(report_path, signum))
    try:
        import torch
    except ImportError as error:
        _report_setup_error(report_path, "torch-missing", str(error))
    if options.device == "cuda" and not torch.cuda.is_available():
        _report_setup_error(report_path, "no-cuda", "no CUDA GPU is visible to PyTorch")
    if rank_folder and options.device == "cuda":
        if shortage := gpu_shortage():
            _report_setup_error(report_path, "no-gpu-for-rank", shortage)
    from warmlint.verify.child.sandbox import install_from_environment
    from warmlint.verify.child.session import ChildSession, exit_status

    _drop_added_path()
    install_from_environment()
    session = ChildSession(options, report_path, leave=_exit)
    session.start()
    if rank_folder:
        report_on_terminate(session.on_terminate)
    ending = session.run_script()
    # Let go of the script's frames so DataLoader iterators shut their workers down.
    gc.collect()
    session.finish(ending)
    _exit(exit_status(ending))


def _parse_args(argv: list[str]) -> argparse.Namespace:
    """Options, then ``--``, then the script and its own arguments, passed through untouched."""
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="python -m warmlint.verify.child.shim")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--total-steps", type=int, default=None)
    # The run length the parent read from the script's loops, and how it says so.
    parser.add_argument("--script-total-steps", type=int, default=None)
    parser.add_argument("--script-total-source", default=None)
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


def _report_setup_error(report_path: str, kind: str, message: str) -> NoReturn:
    write_report({"status": ReportStatus.SETUP_ERROR.value, "error": {"type": kind, "message": message}}, report_path)
    _exit(SETUP_FAILED)


def _report_early_termination(report_path: str, signum: int) -> NoReturn:
    write_report({"status": ReportStatus.TERMINATED.value}, report_path)
    _exit(128 + signum)


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
