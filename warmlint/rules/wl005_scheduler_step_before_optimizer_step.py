"""WL005: scheduler.step() runs before optimizer.step() in the same iteration or epoch."""

from __future__ import annotations

from warmlint.analysis.stepping import StepRelation, relation
from warmlint.analysis.units import StepUnit
from warmlint.fixes import FixBuilder, FixSafety, stepping_fixes
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL005",
    "scheduler-step-before-optimizer-step",
    "scheduler.step() is called before optimizer.step(), so the first value of the schedule is skipped.",
    fixable=True,
)


@rule(
    RULE,
    fixes={StepRelation: FixBuilder(stepping_fixes.move_after_optimizer_step, FixSafety.UNSAFE)},  # moves step()
)
def check(ctx: RuleContext):
    model = ctx.model
    for scheduler in model.schedulers:
        for site in scheduler.calls_of("step"):
            found = relation(model, scheduler, site)
            if found is None or not found.before_optimizer:
                continue
            where = (
                "before optimizer.step() in the same iteration"
                if found.unit is StepUnit.OPTIMIZER_STEP
                else "at the top of the epoch, before that epoch's optimizer steps"
            )
            yield Finding(
                node=site.node,
                message=f"{scheduler.short_name}.step() runs {where}: the schedule's first value is skipped "
                f"(PyTorch warns about this at run time)",
                hint="call scheduler.step() after optimizer.step()"
                + ("" if found.unit is StepUnit.OPTIMIZER_STEP else ", at the end of the epoch"),
                fix_data=found,
            )
