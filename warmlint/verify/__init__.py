"""``warmlint verify``: run a training script for a few steps and check that warmup and decay really happen.

This package is the parent side: start the child process (`run`, `protocol`), read its report
(`record`, `outcome`), judge the LR trajectory (`checks`), and present the result (`result`,
`render`, `compare` for ``--compare``). Importing it never imports torch; everything that runs in
the child process, with torch imported, lives in `warmlint.verify.child`.

``--nproc-per-node`` runs the script under torch.distributed.run (`distributed`, `rank_files`)
and compares the ranks (`ranks`); `launch_hint` spots a script that needs that launcher.
"""

__all__ = ["CheckResult", "VerifyResult", "verify"]

_HOMES = {"CheckResult": "checks", "VerifyResult": "result", "verify": "core"}


def __getattr__(name: str):
    # Imported on first use: `warmlint check` loads the CLI, which names this package's
    # submodules, and should not pay for the verify machinery it does not run.
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
