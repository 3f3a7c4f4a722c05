"""warmlint: find and fix learning-rate warmup and schedule mistakes in PyTorch training scripts.

Public API: `warmlint.check_source`, `warmlint.fix_source`, `warmlint.verify` (see warmlint.api).
"""

__version__ = "0.1.0"

_API = {"check_source", "fix_source", "verify"}


def __getattr__(name: str):
    # Imported on first use so that `warmlint --version` and the pre-commit hook start fast.
    if name in _API:
        from warmlint import api

        return getattr(api, name)
    raise AttributeError(f"module 'warmlint' has no attribute {name!r}")
