"""``warmlint verify``: run a training script for a few steps and check that warmup and decay really happen.

Importing this package never imports torch; only the child process that runs the script does.
"""

from warmlint.verify.checks import CheckResult
from warmlint.verify.core import verify
from warmlint.verify.result import VerifyResult

__all__ = ["CheckResult", "VerifyResult", "verify"]
