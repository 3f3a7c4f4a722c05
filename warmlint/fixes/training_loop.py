"""Where a scheduler can go so that every name its run length `T` needs is defined there.

`T` itself comes from the model (warmlint.analysis.run_length); this module only finds the
statement to insert before or after.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.facts import CallSite, Loop, ScopeId
from warmlint.analysis.model import Model, Optimizer
from warmlint.analysis.run_length import RunLength, available, call_path, no_steps_reason, run_length, site_length
from warmlint.syntax import Unresolved

ASK_FOR_TOTAL = "pass --total-steps N (or set total-steps in [tool.warmlint.fix])"


class CannotFix(Unresolved):
    """Why a fix cannot be made safely; the text follows "no automatic fix: "."""


def known_length(model: Model, of: Optimizer | CallSite, home: ScopeId) -> RunLength:
    """`T` of the whole run of an optimizer (or of one optimizer.step() call), or CannotFix that asks
    for it: a schedule for a shorter run than the real one would decay too early."""
    try:
        if isinstance(of, CallSite):
            return site_length(model, of, home)
        return run_length(model, of, home)
    except CannotFix:
        raise
    except Unresolved as reason:
        raise CannotFix(f"{reason}: {ASK_FOR_TOTAL}") from None


@dataclass
class Placement:
    total_steps: str | None  # source of T, valid at the insertion point; None when configured
    before: cst.CSTNode | None  # insert before this statement...
    after: cst.CSTNode | None  # ...or after this one
    scope: ScopeId
    order: int  # source order of the insertion point


def place(
    model: Model, optimizer: Optimizer, configured_total: int | None, needs: tuple[str, ...] = ()
) -> tuple[Placement, list[CallSite]]:
    """Where to put the scheduler so that every name it needs (`T`, and `needs`: the script's own
    warmup length) is defined: right after the optimizer, else just before the training starts."""
    statement = optimizer.call.statement
    if statement is None or not optimizer.call.targets:
        raise CannotFix("the optimizer is not assigned to a name on its own line")
    home = optimizer.call.scope
    sites = optimizer.steps
    if not sites:
        raise CannotFix(no_steps_reason(optimizer))
    length = None if configured_total is not None else known_length(model, optimizer, home)
    after = Placement(length.text if length is not None else None, None, statement, home, optimizer.call.order)
    wanted = (*needs, length.text) if length is not None else needs
    if all(available(model, code, home, optimizer.call.order) for code in wanted):
        return after, sites
    path = call_path(model, sites[0], home)
    outer_loop = length.outer_loop if length is not None else None
    anchor_order = path[0].order if path else outer_loop.order if outer_loop is not None else -1
    anchor = _home_statement(model, path[0] if path else None, outer_loop, home)
    if anchor is None or anchor_order < optimizer.call.order:
        raise CannotFix(f"cannot place the scheduler where `{wanted[-1]}` is defined")
    missing = [code for code in wanted if not available(model, code, home, anchor_order)]
    if length is not None and length.text in missing:
        raise CannotFix(f"cannot place the scheduler where `{length.text}` is defined")
    if missing and (length is None or available(model, length.text, home, optimizer.call.order)):
        return after, sites  # the script's own warmup length is not defined in time: its value, if known
    return Placement(length.text if length is not None else None, anchor, None, home, anchor_order), sites


def _home_statement(model: Model, call: CallSite | None, outer_loop: Loop | None, home: ScopeId) -> cst.CSTNode | None:
    """The statement in the home scope that starts the training: the outer loop or the call into it."""
    if call is not None:
        if call.loops:
            return model.raw.loops[call.loops[0]].node
        return call.statement
    if outer_loop is None or outer_loop.scope != home:
        return None
    while outer_loop.parent is not None:
        outer_loop = model.raw.loops[outer_loop.parent]
    return outer_loop.node
