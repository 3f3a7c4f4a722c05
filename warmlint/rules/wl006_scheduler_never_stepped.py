"""WL006: a scheduler that is created and never stepped."""

from __future__ import annotations

from warmlint.analysis import catalog
from warmlint.analysis.aliases import refs_in as _refs
from warmlint.analysis.model import Lifetime, Model, Scheduler
from warmlint.analysis.stepping import STEP_METHODS
from warmlint.fixes import FixBuilder, FixSafety, stepping_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL006",
    "scheduler-never-stepped",
    "A scheduler is created but its step() is never called, so the LR stays at its first value.",
    fixable=True,
)

_NOT_TRAINED = (Lifetime.NEVER_STEPPED, Lifetime.SINGLE_UPDATE, Lifetime.REBUILT_PER_STEP)


def never_stepped(model: Model, scheduler: Scheduler) -> bool:
    if scheduler.parent is not None or scheduler.qualified.startswith(catalog.DAMPENING_WARMUPS_PREFIX):
        return False  # stepped by its parent / applied through dampening()
    if any(scheduler.calls_of(m) for m in STEP_METHODS) or scheduler.passed_to or scheduler.escapes:
        return False
    if scheduler.optimizer is not None and scheduler.optimizer.lifetime in _NOT_TRAINED:
        return False  # its optimizer never trains either: test or inspection code
    if scheduler.optimizer is not None and scheduler.optimizer.lr_set_every_iteration:
        return False  # the LR is set by hand each iteration: the scheduler holds nothing
    if scheduler.returned_to_lightning:
        return model.manual_lightning_optimization(scheduler)
    if not scheduler.aliases:
        return False  # not kept in a name the analysis follows
    # Every occurrence of its names is a binding, a followed return or a method call seen here:
    # nothing else can step it.
    names = {name for _, name in scheduler.aliases}
    occurrences = sum(model.raw.name_counts.get(name, 0) for name in names)
    seen = len(scheduler.method_calls)
    seen += sum(len(model.raw.bindings_of(scope, name)) for scope, name in scheduler.aliases)
    seen += sum(
        1
        for function in model.raw.functions.values()
        for value in function.returns
        for ref in _refs(value)
        if model.is_alias(scheduler, ref, function.scope)
    )
    return occurrences <= seen


@rule(RULE, fixes={Scheduler: FixBuilder(stepping_fixes.add_step, FixSafety.SAFE)})
def check(ctx: RuleContext):
    for scheduler in ctx.model.schedulers:
        if not never_stepped(ctx.model, scheduler):
            continue
        yield Finding(
            node=scheduler.call.node,
            message=f"{scheduler.short_name} is created but its step() is never called: the LR stays at the "
            f"schedule's first value for the whole run",
            hint="call scheduler.step() after optimizer.step() (or once per epoch for an epoch schedule)",
            fix_data=scheduler,
        )
