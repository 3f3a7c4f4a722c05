"""A script written for ``torchrun``, run without it: say to pass ``--nproc-per-node``, not its traceback.

Such a script fails before its first step, reading a variable that only the launcher sets
(``os.environ["RANK"]``) or in ``init_process_group``'s ``env://`` rendezvous, which names the
variable it missed. Only these two shapes of failure get the hint: anything else is shown as it is.
"""

from __future__ import annotations

import re

from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending

# What torch.distributed.run sets in every rank.
LAUNCHER_VARIABLES = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
_RENDEZVOUS = re.compile(r"environment variable (\w+) expected, but not set")


def launcher_hint(ending: Ending) -> str | None:
    """The one-line hint when the script stopped for want of a launcher variable, else None."""
    variable = _missing_variable(ending)
    if variable is None:
        return None
    where = f" at {ending.location}" if ending.location else ""
    return (
        f"the script expects to be launched by torchrun: {variable} is not set{where}; "
        "pass --nproc-per-node N to run it under torch.distributed.run"
    )


def _missing_variable(ending: Ending) -> str | None:
    if ending.status is not ReportStatus.RAISED:
        return None
    message = ending.error_message or ""
    if ending.error_type == "KeyError" and message.strip("'\"") in LAUNCHER_VARIABLES:
        return message.strip("'\"")
    if ending.error_type in ("ValueError", "RuntimeError") and (match := _RENDEZVOUS.search(message)):
        return match.group(1) if match.group(1) in LAUNCHER_VARIABLES else None
    return None
