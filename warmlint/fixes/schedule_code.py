"""Source code of the inserted schedule: W and T as named values, a named LR function, a LambdaLR."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.phases import MAX_WARMUP_STEPS, WARMUP_SHARE, warmup_cap_applies
from warmlint.config import Decay
from warmlint.fixes.inserted_schedule import STEP_DECAY_FACTOR, STEP_DECAY_TIMES


@dataclass(frozen=True)
class ScheduleNames:
    function: str
    warmup: str
    total: str
    scheduler: str


def _ratio(min_lr_ratio: float) -> str:
    return repr(float(min_lr_ratio))


def function_source(names: ScheduleNames, decay: Decay, min_lr_ratio: float, step_param: str = "step") -> str:
    """`def <name>(step): ...`, the multiplier of warmlint.fixes.inserted_schedule.multiplier, written out."""
    s, w, t = step_param, names.warmup, names.total
    lines = [
        f"def {names.function}({s}):",
        f'    """LR multiplier: linear warmup over {w} steps, then {decay.value} decay until {t}."""',
        f"    if {s} < {w}:",
        f"        return ({s} + 1) / ({w} + 1)",
    ]
    if decay is Decay.STEP:
        lines += [
            f"    interval = max(1, ({t} - {w}) // {STEP_DECAY_TIMES})",
            f"    return {STEP_DECAY_FACTOR} ** min({STEP_DECAY_TIMES}, ({s} - {w}) // interval)",
        ]
        return "\n".join(lines) + "\n"
    lines.append(f"    progress = min(1.0, max(0.0, ({s} - {w}) / max(1, {t} - {w})))")
    if decay is Decay.LINEAR:
        shape = "(1.0 - progress)"
    else:
        shape = "0.5 * (1.0 + math.cos(math.pi * progress))"
    if min_lr_ratio:
        r = _ratio(min_lr_ratio)
        lines.append(f"    return {r} + (1.0 - {r}) * {shape}")
    else:
        lines.append(f"    return {shape}")
    return "\n".join(lines) + "\n"


def auto_warmup_expr(total_name: str, total_steps: float | None) -> str:
    """W as the W policy (warmlint.analysis.phases.warmup_steps_policy) computes it, for a run of
    `total_steps` (None: not known before the run starts). The 2000-step cap is written only where
    it can change the value, so the common case reads as what it is: 5% of the run."""
    share = f"round({WARMUP_SHARE} * {total_name})"
    if warmup_cap_applies(total_steps):
        return f"max(1, min({share}, {MAX_WARMUP_STEPS}))"
    return f"max(1, {share})"


def statements(code: str) -> list[cst.BaseStatement]:
    """Parsed statements whose blank lines carry no indentation (no trailing whitespace)."""
    blank = cst.EmptyLine(indent=False)
    return [
        statement.with_changes(leading_lines=[blank for _ in statement.leading_lines])
        for statement in cst.parse_module(code).body
    ]


def schedule_block(
    names: ScheduleNames,
    total_expr: str | None,
    warmup_expr: str | None,
    decay: Decay,
    min_lr_ratio: float,
    optimizer_expr: str,
    lambda_lr: str,
    module_level: bool,
) -> list[cst.BaseStatement]:
    """The statements inserted for WL001/WL002: T, W, the LR function and the scheduler."""
    gap = "\n\n" if module_level else "\n"
    code = ""
    if total_expr is not None:
        code += f"{names.total} = {total_expr}\n"
    if warmup_expr is not None and warmup_expr != names.warmup:
        code += f"{names.warmup} = {warmup_expr}\n"
    code += gap + function_source(names, decay, min_lr_ratio) + gap
    code += f"{names.scheduler} = {lambda_lr}({optimizer_expr}, lr_lambda={names.function})\n"
    return statements(code)
