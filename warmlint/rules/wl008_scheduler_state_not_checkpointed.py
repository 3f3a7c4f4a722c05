"""WL008: a checkpoint saves the optimizer's state but not the scheduler's."""

from __future__ import annotations

from warmlint.analysis.checkpoints import CheckpointDict, checkpoint_dicts
from warmlint.fixes import FixBuilder, FixSafety, checkpoint_fix
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo(
    "WL008",
    "scheduler-state-not-checkpointed",
    "A checkpoint holds the optimizer's state but not the scheduler's, so a resumed run restarts its schedule.",
    fixable=True,
)


@rule(RULE, fixes={CheckpointDict: FixBuilder(checkpoint_fix.save_scheduler_state, FixSafety.SAFE)})
def check(ctx: RuleContext):
    model = ctx.model
    if not model.schedulers:
        return
    for saved in checkpoint_dicts(model):
        if saved.optimizer_key is None or saved.has_scheduler_state or saved.schedule_replayed:
            continue
        yield Finding(
            node=saved.node,
            message=f"this checkpoint saves the optimizer state (`{saved.optimizer_key}`) but not the "
            f"scheduler's: a resumed run restarts its warmup and schedule from the beginning",
            hint="add the scheduler's state_dict() to the checkpoint and load it where the optimizer's is loaded",
            fix_data=saved,
        )
