"""Run a function on a thread with a large stack and a raised recursion limit."""

from __future__ import annotations

import sys
import threading

# Deeply nested but valid code: libcst's native parser recurses on the C stack once per
# nesting level and kills the process (SIGSEGV) past about 1,300 nested brackets on an
# 8 MB main-thread stack, and its Python visitors exceed the default recursion limit on a
# ~330-term `a + b + ...` chain or a ~500-branch elif. Checks therefore run on a worker
# thread with a large stack and a raised recursion limit.
DEEP_STACK_BYTES = 256 * 1024 * 1024  # virtual; only the pages touched are committed
DEEP_RECURSION_LIMIT = 20_000
_deep = threading.local()


def on_deep_stack(function, *args):
    """`function(*args)` on a thread with a large stack (re-entrant; falls back to a plain call)."""
    if getattr(_deep, "active", False):
        return function(*args)
    outcome: list = []

    def work() -> None:
        _deep.active = True
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            outcome.append((False, error))

    old_limit = sys.getrecursionlimit()
    try:
        old_stack = threading.stack_size(DEEP_STACK_BYTES)
    except (ValueError, RuntimeError):
        return function(*args)
    worker = threading.Thread(target=work, name="warmlint-check", daemon=True)
    sys.setrecursionlimit(max(old_limit, DEEP_RECURSION_LIMIT))
    try:
        try:
            worker.start()
        except RuntimeError:  # no memory for the stack: run here, with the default limits
            sys.setrecursionlimit(old_limit)
            return function(*args)
        finally:
            threading.stack_size(old_stack)
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
