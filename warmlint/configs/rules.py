"""The rules on config files: each schedule a config sets up (`ConfigSchedule`) judged as the same
rule would judge it in a script, with the fix as text edits of the file.

WL003 `constant_with_warmup` (HF) and DeepSpeed `WarmupLR`; WL014 `constant` with a warmup, which
that schedule never reads; WL009 a warmup at least as long as the run; WL010 a DeepSpeed decay whose
`total_num_steps` ends before the run does. Lengths count only when the same file gives the run's
own length (`max_steps`, `train_iters`); `"auto"` and missing values are unknown, and the rule is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from warmlint.analysis.phases import warmup_steps_policy
from warmlint.configs.edits import TextEdit, append_entry, replace_string
from warmlint.configs.errors import ConfigReadError
from warmlint.configs.facts import ConfigSchedule, Form, Setting
from warmlint.configs.tree import Entry, Scalar

DECAY = "cosine"  # the Trainer's cosine: the configured warmup, then a decay to 0 at the run's end
DECAYING_DEEPSPEED = "WarmupDecayLR"  # WarmupLR's params, plus total_num_steps; decays linearly


@dataclass(frozen=True)
class ConfigFinding:
    code: str
    at: Entry  # the key reported (its line and column)
    message: str
    hint: str
    edits: tuple[TextEdit, ...] = ()
    no_fix_reason: str = ""


@dataclass(frozen=True)
class Source:
    """The file's text and syntax, which the edits are written in."""

    text: str
    json: bool


def findings(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """The schedule's findings; with their text edits when `source` is the file's text (a dict in a
    Python script is judged the same way and fixed in its syntax tree: `source` is None)."""
    if schedule.form is Form.RECIPE:
        yield from _recipe(schedule, source)
    elif schedule.form is Form.DEEPSPEED:
        yield from _deepspeed(schedule, source)
    elif schedule.form is Form.LIGHTNING:
        yield from _lightning(schedule)
    yield from _warmup_longer_than_run(schedule, source)


def _recipe(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    key = schedule.schedule.entry.key
    if schedule.name == "constant_with_warmup":
        yield _with_fix(
            source,
            "WL003",
            schedule.schedule.entry,
            f"{key}: constant_with_warmup warms up and then holds the LR constant for the rest of training",
            f"use {key}: {DECAY} (or linear): the same warmup, then a decay to the end of training",
            lambda source: [replace_string(source.text, _scalar(schedule.schedule), DECAY)],
        )
    elif schedule.name == "constant":
        configured = _configured_warmup(schedule)
        if configured is not None:
            yield _with_fix(
                source,
                "WL014",
                schedule.schedule.entry,
                f"{key}: constant never reads {configured.entry.key}: {_shown(configured)}: the warmup it asks "
                "for never happens, and the run starts at the full learning rate",
                f"use {key}: {DECAY}: the configured warmup, then a decay to the end of training",
                lambda source: [replace_string(source.text, _scalar(schedule.schedule), DECAY)],
            )


def _configured_warmup(schedule: ConfigSchedule) -> Setting | None:
    for setting in (schedule.warmup_ratio, schedule.warmup_steps):
        if setting is not None and setting.number is not None and setting.number > 0:
            return setting
    return None


def _deepspeed(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    if schedule.name == "WarmupLR":
        yield _with_fix(
            source,
            "WL003",
            schedule.schedule.entry,
            "DeepSpeed's WarmupLR warms up to warmup_max_lr and then holds it for the rest of training",
            f'use "{DECAYING_DEEPSPEED}" (a linear decay to the end of training, total_num_steps long) '
            'or "WarmupCosineLR"',
            lambda source: _decaying_deepspeed(schedule, source),
        )
        return
    total, run = schedule.total_steps, schedule.run_length
    if total is None or run is None or total.number is None or run.number is None:
        return
    if total.number < run.number:
        after = "warmup_min_lr" if schedule.name == DECAYING_DEEPSPEED else "its minimum (cos_min_ratio of the peak)"
        yield _with_fix(
            source,
            "WL010",
            total.entry,
            f"{schedule.name}'s total_num_steps={_shown(total)} is shorter than the run's "
            f"{run.entry.key}={_shown(run)}: the LR reaches {after} after step {_shown(total)} and stays there "
            f"for the last {run.number - total.number:g} steps",
            f'set total_num_steps to the run\'s length ({_shown(run)}), or to "auto" with the HF Trainer',
            lambda source: [_replace_number(source, total, int(run.number or 0))],
        )


def _lightning(schedule: ConfigSchedule) -> Iterator[ConfigFinding]:
    """A Lightning CLI `lr_scheduler` that is torch's LinearLR rising to its end factor, alone."""
    if (schedule.name or "").rsplit(".", 1)[-1] != "LinearLR":
        return
    start = _factor(schedule, "start_factor", 1 / 3)  # torch's defaults
    end = _factor(schedule, "end_factor", 1.0)
    if start is None or end is None or start >= end:
        return  # unknown, or a linear decay
    yield ConfigFinding(
        "WL003",
        schedule.schedule.entry,
        f"LinearLR is the only schedule: it ramps the LR from {start:g}x to {end:g}x and then holds it "
        "constant for the rest of training",
        "return a schedule that decays after the warmup from configure_optimizers (e.g. a LambdaLR with "
        "warmup then cosine), or use OneCycleLR here",
        no_fix_reason="a Lightning CLI lr_scheduler is one class: a warmup followed by a decay is not one of "
        "torch's schedulers to name here",
    )


def _factor(schedule: ConfigSchedule, key: str, default: float) -> float | None:
    entry = schedule.holder.entries.get(key)
    return default if entry is None else Setting(entry).number


def _decaying_deepspeed(schedule: ConfigSchedule, source: Source) -> list[TextEdit]:
    """`WarmupLR` -> `WarmupDecayLR`, with `total_num_steps` from the run or left to the HF integration."""
    rename = replace_string(source.text, _scalar(schedule.schedule), DECAYING_DEEPSPEED)
    if schedule.total_steps is not None:
        return [rename]
    run = schedule.run_length
    if run is not None and run.number is not None:
        total: str | int = int(run.number)
    elif schedule.auto:
        total = "auto"  # the HF integration fills it with the Trainer's number of steps
    else:
        raise ConfigReadError(
            'the config does not say how long the run is (no max_steps or train_iters, and no "auto" values '
            "for the HF integration to fill): set type to WarmupDecayLR with total_num_steps = the run's steps"
        )
    return [rename, append_entry(source.text, schedule.holder, "total_num_steps", total, source.json)]


def _warmup_longer_than_run(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    warmup, run = schedule.warmup_steps, schedule.run_length
    if warmup is None or run is None or warmup.number is None or run.number is None or run.number <= 0:
        return
    if warmup.number < run.number:
        return
    shorter = min(int(warmup.number), warmup_steps_policy(int(run.number)))  # the shared W policy
    yield _with_fix(
        source,
        "WL009",
        warmup.entry,
        f"{warmup.entry.key}={_shown(warmup)} is at least the run's {run.entry.key}={_shown(run)}: "
        "the LR never reaches its peak",
        f"shorten the warmup to {shorter} steps (about 5% of the run)",
        lambda source: [_replace_number(source, warmup, shorter)],
    )


def _with_fix(
    source: Source | None, code: str, at: Entry, message: str, hint: str, build: Callable[[Source], list[TextEdit]]
) -> ConfigFinding:
    """The finding with the edits `build` makes, or with the reason it cannot make them."""
    if source is None:
        return ConfigFinding(code, at, message, hint)
    try:
        return ConfigFinding(code, at, message, hint, edits=tuple(build(source)))
    except ConfigReadError as reason:
        return ConfigFinding(code, at, message, hint, no_fix_reason=str(reason))


def _scalar(setting: Setting) -> Scalar:
    scalar = setting.scalar
    if scalar is None:
        raise ConfigReadError(f"{setting.entry.key} is not a single value")
    return scalar


def _replace_number(source: Source, setting: Setting, number: int) -> TextEdit:
    scalar = _scalar(setting)
    if not isinstance(scalar.value, (int, float)) or scalar.start < 0:
        raise ConfigReadError(f"{setting.entry.key} is not written as a number")
    return TextEdit(scalar.start, scalar.end, str(number))


def _shown(setting: Setting) -> str:
    scalar = setting.scalar
    value = scalar.value if scalar is not None else None
    return f"{value:g}" if isinstance(value, float) else str(value)
