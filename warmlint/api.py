"""The public, embeddable API: check a source, fix a source, verify a script."""

from warmlint.engine.fixer import fix_source
from warmlint.engine.lint import FileResult, check_source

__all__ = ["FileResult", "check_source", "fix_source", "verify"]


def verify(*args, **kwargs):
    """Run a training script for a few steps and check its schedule (see warmlint.verify.verify)."""
    from warmlint.verify import verify as run_verify

    return run_verify(*args, **kwargs)
