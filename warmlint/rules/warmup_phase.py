"""Is an LR write part of a warmup phase? The structural signals come from the analysis
(`warmlint.analysis.warmup_phase`); a warm-up comment near the write is the rule's own reading."""

from __future__ import annotations

from warmlint.analysis.facts import LrWrite
from warmlint.analysis.warmup_phase import branch_phase, mentions_warm, structural_signal
from warmlint.rules.base import RuleContext


def warmup_signal(ctx: RuleContext, write: LrWrite) -> tuple[str, bool] | None:
    """(reason, structural) when the write belongs to a warmup phase."""
    model = ctx.model
    for branch in write.branches:
        if branch_phase(model, branch) is False:
            return None
    structural = structural_signal(model, write)
    if structural:
        return structural, True
    if mentions_warm(model, write.value):
        return f"set from `{model.raw.module.code_for_node(write.value)}`", True
    comment = ctx.comment_near(write.node)
    if comment:
        return f"commented `{comment.strip()}`", False
    return None
