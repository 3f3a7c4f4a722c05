"""What rules exist: code, name, summary and whether a fix exists, without their checks.

Config validation, `warmlint rule`, SARIF and cached runs need only this table, so it
lives apart from the check functions (which need libcst): a run answered entirely from
the cache never imports the parser. Each check registers against its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    summary: str
    fixable: bool = False


_ENTRIES = (
    RuleInfo("WL000", "syntax-error", "The file cannot be parsed as Python, so nothing else in it was checked."),
    RuleInfo(
        "WL001",
        "high-lr-without-schedule",
        "An optimizer starts at a high learning rate and nothing in the file changes it.",
        True,
    ),
    RuleInfo(
        "WL002", "constant-warmup", "A warmup phase sets a constant learning rate instead of ramping it up.", True
    ),
    RuleInfo(
        "WL003",
        "warmup-without-decay",
        "A warmup ramps the learning rate up and then holds it constant for the rest of training.",
        True,
    ),
    RuleInfo(
        "WL004",
        "decay-without-warmup",
        "A learning rate high enough to need a warmup, with a schedule that only decays.",
        True,
    ),
    RuleInfo(
        "WL005",
        "scheduler-step-before-optimizer-step",
        "scheduler.step() is called before optimizer.step(), so the first value of the schedule is skipped.",
        True,
    ),
    RuleInfo(
        "WL006",
        "scheduler-never-stepped",
        "A scheduler is created but its step() is never called, so the LR stays at its first value.",
        True,
    ),
    RuleInfo(
        "WL007",
        "warmup-unit-mismatch",
        "A warmup counted in steps is stepped once per epoch, or one counted in epochs every step.",
        True,
    ),
    RuleInfo(
        "WL008",
        "scheduler-state-not-checkpointed",
        "A checkpoint holds the optimizer's state but not the scheduler's, so a resumed run restarts its schedule.",
        True,
    ),
    RuleInfo(
        "WL009",
        "warmup-longer-than-run",
        "A warmup at least as long as the run it belongs to, so the LR never reaches its peak.",
        True,
    ),
    RuleInfo(
        "WL010",
        "cosine-period-shorter-than-run",
        "A CosineAnnealingLR whose T_max ends before the run does, so the LR climbs back to the peak.",
        True,
    ),
    RuleInfo(
        "WL011",
        "onecycle-length-mismatch",
        "A OneCycleLR built for more or fewer steps than it is stepped: it raises mid-run or never anneals.",
        True,
    ),
    RuleInfo(
        "WL012",
        "scheduler-outside-accumulation-guard",
        "optimizer.step() runs under a gradient-accumulation guard but the scheduler steps every micro-batch.",
        True,
    ),
    RuleInfo(
        "WL013",
        "manual-lr-write-fights-scheduler",
        "A param group's lr is written by hand for an optimizer whose torch scheduler also sets it.",
    ),
    RuleInfo(
        "WL100",
        "invalid-suppression",
        "A suppression comment warmlint cannot read (no brackets, an unknown code) suppresses nothing.",
    ),
)

RULE_INFO: dict[str, RuleInfo] = {info.code: info for info in _ENTRIES}


def code_names() -> dict[str, str]:
    """Every code and rule name, lower-cased, to its code: what a suppression may say."""
    return {key.lower(): info.code for info in RULE_INFO.values() for key in (info.code, info.name)}


def all_codes() -> list[str]:
    return sorted(RULE_INFO)
