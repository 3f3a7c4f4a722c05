"""What a rule's judgement of a config schedule gives (`ConfigFinding`) and the parts every such
judgement shares: a finding with the text edits of its fix, and the values it reads and rewrites.

Each rule's own judgement (its `config_check`) lives in its rule module. Lengths count only when
the same file gives the run's own length (`max_steps`, `train_iters`); `"auto"` and missing values
are unknown, and the rule is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from warmlint.configs.edits import TextEdit
from warmlint.configs.errors import ConfigReadError
from warmlint.configs.facts import ConfigSchedule, Setting
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


# A rule's judgement of one schedule: its findings, with their text edits when `source` is the
# file's text (a dict in a Python script is judged the same way and fixed in its syntax tree:
# `source` is None).
ConfigCheck = Callable[[ConfigSchedule, Source | None], Iterable[ConfigFinding]]


def with_fix(
    source: Source | None, code: str, at: Entry, message: str, hint: str, build: Callable[[Source], list[TextEdit]]
) -> ConfigFinding:
    """The finding with the edits `build` makes, or with the reason it cannot make them."""
    if source is None:
        return ConfigFinding(code, at, message, hint)
    try:
        return ConfigFinding(code, at, message, hint, edits=tuple(build(source)))
    except ConfigReadError as reason:
        return ConfigFinding(code, at, message, hint, no_fix_reason=str(reason))


def scalar_of(setting: Setting) -> Scalar:
    """The setting's single value; ConfigReadError (no fix) when it is a mapping or a list."""
    scalar = setting.scalar
    if scalar is None:
        raise ConfigReadError(f"{setting.entry.key} is not a single value")
    return scalar


def replace_number(source: Source, setting: Setting, number: int) -> TextEdit:
    scalar = scalar_of(setting)
    if not isinstance(scalar.value, (int, float)) or scalar.start < 0:
        raise ConfigReadError(f"{setting.entry.key} is not written as a number")
    return TextEdit(scalar.start, scalar.end, str(number))


def shown(setting: Setting) -> str:
    """The value as a message shows it (`1e-05`, not `1.0000000000000001e-05`)."""
    scalar = setting.scalar
    value = scalar.value if scalar is not None else None
    return f"{value:g}" if isinstance(value, float) else str(value)
