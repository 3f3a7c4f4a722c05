"""What the parent and the child process agree on: environment variables and the report file.

Importable without torch: the child uses it before it knows torch is there.
"""

from __future__ import annotations

import json
import os
from enum import Enum
from pathlib import Path
from typing import Any

# Path of the JSON report the child writes.
REPORT_ENV = "WARMLINT_VERIFY_REPORT"
# Folder the parent put on PYTHONPATH so the child can import warmlint; the child takes it off again.
ADDED_PATH_ENV = "WARMLINT_VERIFY_ADDED_PATH"
# JSON: where the child redirects the script's writes (scratch, roots, excluded, removed_log); unset: nowhere.
SANDBOX_ENV = "WARMLINT_VERIFY_SANDBOX"


class ReportStatus(str, Enum):
    """The report's ``status``: how the script ended, or that the child could not start it."""

    COMPLETED = "completed"
    # After --steps: the parent asked it to stop.
    STOPPED = "stopped"
    RAISED = "raised"
    EXITED = "exited"
    TERMINATED = "terminated"
    SETUP_ERROR = "setup_error"

    @classmethod
    def of(cls, report: dict[str, Any]) -> ReportStatus | None:
        """The status a report gives (``completed`` when it gives none); None for a word the child never writes."""
        try:
            return cls(report.get("status", cls.COMPLETED.value))
        except ValueError:
            return None


# Child exit status when it could not start the script (torch missing, no GPU for --device cuda).
SETUP_FAILED = 3


def write_report(report: dict[str, Any], path: str) -> None:
    """Write atomically so the parent never reads half a file."""
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(report, handle, allow_nan=True)
    os.replace(partial, path)


def read_report(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
