"""``verify()``: run a training script for a few steps and judge its LR schedule."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from warmlint.verify.outcome import TORCH_MISSING, interpret
from warmlint.verify.result import EXIT_NOT_RUN, VerifyResult
from warmlint.verify.run import WritePolicy, run_child
from warmlint.verify.static_schedule import read_script

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class VerifyOptions:
    steps: int = 50
    total_steps: int | None = None
    timeout: float = 300.0
    device: str = "auto"
    # Run under torch.distributed.run with this many ranks; None runs the script as one process.
    nproc_per_node: int | None = None
    # Let the script write into the project; otherwise its writes go to a scratch copy.
    allow_writes: bool = False
    # Copy what the script wrote (redirected) into this folder after the run.
    keep_outputs: Path | None = None

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise ValueError("steps must be 1 or more")
        if self.total_steps is not None and self.total_steps < 1:
            raise ValueError("total_steps must be 1 or more")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}")
        if self.nproc_per_node is not None and self.nproc_per_node < 1:
            raise ValueError("nproc_per_node must be 1 or more")
        if self.allow_writes and self.keep_outputs is not None:
            raise ValueError("keep_outputs keeps redirected writes: it cannot go with allow_writes")


def verify(
    script: str | Path,
    args: Sequence[str] = (),
    steps: int = 50,
    total_steps: int | None = None,
    timeout: float = 300,
    device: str = "auto",
    nproc_per_node: int | None = None,
    allow_writes: bool = False,
    keep_outputs: str | Path | None = None,
) -> VerifyResult:
    """Run ``script`` (with ``args`` as its command line) in a child process and check its LR schedule.

    The child stops the script after ``steps`` optimizer steps, records the LR each step used,
    and projects the schedule over ``total_steps`` (inferred from the script when None).
    ``timeout`` is in seconds and includes importing torch. ``device``: ``"cpu"`` hides GPUs
    from the script, ``"cuda"`` requires one, ``"auto"`` leaves the choice to the script.
    ``nproc_per_node`` starts that many ranks through torch.distributed.run (as ``torchrun``
    would) and adds the ``ranks-agree`` check.
    The script's writes under its project and the current folder go to a scratch copy (listed
    in the result, copied into ``keep_outputs`` when given) unless ``allow_writes``; either way
    the ``project-untouched`` check names every project file that changed during the run.
    The calling process never imports torch or the script.
    """
    keep = Path(keep_outputs) if keep_outputs is not None else None
    options = VerifyOptions(steps, total_steps, float(timeout), device, nproc_per_node, allow_writes, keep)
    return verify_path(Path(script), tuple(args), options, label=str(script))


def torch_installed() -> bool:
    """Whether this interpreter (which the child reuses) can import torch, found without importing it."""
    return importlib.util.find_spec("torch") is not None


def verify_path(path: Path, args: tuple[str, ...], options: VerifyOptions, label: str) -> VerifyResult:
    """``verify`` on a path, naming the script ``label`` in messages (compare runs a temporary copy)."""
    if not path.is_file():
        return VerifyResult(script=label, exit_code=EXIT_NOT_RUN, problem=f"{label}: no such file")
    if not torch_installed():
        return VerifyResult(script=label, exit_code=EXIT_NOT_RUN, problem=TORCH_MISSING)
    facts = read_script(path, args)
    length = None if options.total_steps else facts.length
    child = run_child(
        path.resolve(),
        args,
        options.steps,
        options.total_steps,
        options.timeout,
        options.device,
        length,
        nproc_per_node=options.nproc_per_node,
        writes=WritePolicy(options.allow_writes, options.keep_outputs),
    )
    return interpret(label, child, options.timeout, options.device, facts)
