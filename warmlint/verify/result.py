"""What ``verify`` returns: the checks, the curves, and the exit status they add up to."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from warmlint.verify.checks import CheckResult
from warmlint.verify.outputs import ProjectFiles
from warmlint.verify.record import RunRecord

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_NOT_RUN = 2


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of ``warmlint verify`` on one script.

    ``exit_code`` is 0 when every check passes, 1 when one fails, and 2 when the script could
    not be checked at all; ``problem`` then says why.
    """

    script: str
    exit_code: int
    checks: tuple[CheckResult, ...] = ()
    run: RunRecord | None = None
    problem: str | None = None
    stderr_tail: tuple[str, ...] = ()
    seconds: float = 0.0
    # What the script wrote (redirected) and what changed in the project anyway.
    files: ProjectFiles | None = None

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASSED

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [check for check in self.checks if check.failed]

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form printed by ``--format json``."""
        run = self.run
        return {
            "script": self.script,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "error": self.problem,
            "checks": [check.to_json() for check in self.checks],
            "observed": [
                {"step": index + 1, "lrs": [_number(lr) for lr in lrs]}
                for index, lrs in enumerate(run.observed if run else ())
            ],
            **_ranks_json(run),
            "projected": [{"step": step, "lr": _number(lr)} for step, lr in (run.projected if run else ())],
            "device": run.device if run else None,
            "optimizers": [{"name": o.name, "steps": o.steps} for o in (run.optimizers if run else ())],
            "steps": run.steps if run else 0,
            "total_steps": run.total_steps if run else None,
            "total_steps_source": run.total_steps_source if run else None,
            "completed": run.completed if run else False,
            "schedulers": [
                {"name": s.name, "calls": len(s.calls), "detail": s.detail}
                for s in (run.schedulers if run else ())
                if s.top_level
            ],
            "notes": list(run.notes) if run else [],
            "files": self.files.to_json() if self.files else None,
            "stderr_tail": list(self.stderr_tail),
            "seconds": round(self.seconds, 3),
        }


def _ranks_json(run: RunRecord | None) -> dict[str, Any]:
    """Under --nproc-per-node, each rank's LRs in the shape of ``observed``; nothing otherwise."""
    if run is None or not run.ranks:
        return {}
    trajectories = {
        str(record.rank): [
            {"step": index + 1, "lrs": [_number(lr) for lr in lrs]} for index, lrs in enumerate(record.lrs)
        ]
        for record in run.ranks
    }
    return {"ranks": trajectories}


def _number(value: float) -> float | str:
    """JSON has no NaN or infinity: spell them out as strings."""
    return value if math.isfinite(value) else str(value)
