"""A config document -> the schedules it configures (`ConfigSchedule`), by content, not by name.

Four forms are recognised wherever they stand in the document (a DeepSpeed dict may be nested in
a recipe): a Hugging Face / TRL / LLaMA-Factory / axolotl recipe (`lr_scheduler_type`, or axolotl's
`lr_scheduler`, next to training keys), a DeepSpeed `"scheduler": {"type": ..., "params": ...}`, a
torchtune `lr_scheduler: {_component_: ...}` and a Lightning CLI `lr_scheduler: {class_path: ...}`.
A value that is `"auto"` (filled in by the HF integration at run time), a `${VAR}` placeholder or
anything that is not a number is unknown: `Setting.number` is None and rules that need it stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from warmlint.configs.tree import Entry, Mapping, Node, Scalar, mappings


class Form(Enum):
    RECIPE = "recipe"  # HF TrainingArguments keys (TRL, alignment-handbook, LLaMA-Factory, axolotl)
    DEEPSPEED = "deepspeed"
    TORCHTUNE = "torchtune"
    LIGHTNING = "lightning"


# Keys beside `lr_scheduler` that make a mapping an axolotl recipe rather than something else.
TRAINING_KEYS = frozenset(
    {"learning_rate", "warmup_ratio", "warmup_steps", "max_steps", "num_train_epochs", "num_epochs", "micro_batch_size"}
)
# DeepSpeed's schedulers with a warmup (its OneCycle and LRRangeTest are not read: no rule judges them).
DEEPSPEED_SCHEDULERS = frozenset({"WarmupLR", "WarmupDecayLR", "WarmupCosineLR"})
RUN_LENGTH_KEYS = ("max_steps", "train_iters")  # optimizer steps of the whole run, written in the file


@dataclass(frozen=True)
class Setting:
    """One key of the config as written: its entry (for the position) and its value."""

    entry: Entry

    @property
    def scalar(self) -> Scalar | None:
        return self.entry.value if isinstance(self.entry.value, Scalar) else None

    @property
    def text(self) -> str | None:
        scalar = self.scalar
        return scalar.value if scalar is not None and isinstance(scalar.value, str) else None

    @property
    def number(self) -> float | None:
        """The value as a number; None when unknown (`"auto"`, a placeholder, not written as a number)."""
        scalar = self.scalar
        if scalar is None or isinstance(scalar.value, bool):
            return None
        if isinstance(scalar.value, (int, float)):
            return float(scalar.value)
        if isinstance(scalar.value, str):
            try:
                return float(scalar.value)  # YAML 1.1 readers leave `1e-5` a string; HF parses it as a float
            except ValueError:
                return None
        return None


@dataclass(frozen=True)
class ConfigSchedule:
    """The schedule one part of a config sets up: what it is, its warmup, and the run it belongs to."""

    form: Form
    holder: Mapping  # the mapping that holds the schedule's keys (where a fix adds one)
    schedule: Setting  # lr_scheduler_type / lr_scheduler / scheduler.type / _component_ / class_path
    warmup_steps: Setting | None = None
    warmup_ratio: Setting | None = None
    total_steps: Setting | None = None  # the schedule's own length (DeepSpeed total_num_steps)
    run_length: Setting | None = None  # the run's optimizer steps written in the same file (max_steps...)
    auto: bool = False  # the config leaves values to the HF integration ("auto")

    @property
    def name(self) -> str | None:
        return self.schedule.text


def schedules(root: Node) -> list[ConfigSchedule]:
    """Every schedule the document configures, in the order written."""
    found: list[ConfigSchedule] = []
    every = mappings(root)
    run_length = _run_length(every)
    for mapping in every:
        recipe = _recipe(mapping, run_length)
        if recipe is not None:
            found.append(recipe)
        scheduler = mapping.entries.get("scheduler")
        if scheduler is not None and isinstance(scheduler.value, Mapping):
            deepspeed = _deepspeed(mapping, scheduler.value, run_length)
            if deepspeed is not None:
                found.append(deepspeed)
        lr_scheduler = mapping.entries.get("lr_scheduler")
        if lr_scheduler is not None and isinstance(lr_scheduler.value, Mapping):
            component = _component(lr_scheduler.value)
            if component is not None:
                found.append(component)
    return found


def _run_length(every: list[Mapping]) -> Setting | None:
    """`max_steps`/`train_iters` of the outermost mapping that sets one to a positive number."""
    for mapping in every:
        for key in RUN_LENGTH_KEYS:
            entry = mapping.entries.get(key)
            if entry is not None:
                setting = Setting(entry)
                if setting.number is not None and setting.number > 0:
                    return setting
    return None


def _setting(mapping: Mapping, key: str) -> Setting | None:
    entry = mapping.entries.get(key)
    return Setting(entry) if entry is not None else None


def _recipe(mapping: Mapping, run_length: Setting | None) -> ConfigSchedule | None:
    entry = mapping.entries.get("lr_scheduler_type")
    if entry is None:
        axolotl = mapping.entries.get("lr_scheduler")
        if axolotl is None or not TRAINING_KEYS & set(mapping.entries):
            return None
        entry = axolotl
    if not isinstance(entry.value, Scalar) or not isinstance(entry.value.value, str):
        return None  # a tracked-run dump (`{value: ...}`), or not set
    return ConfigSchedule(
        Form.RECIPE,
        mapping,
        Setting(entry),
        warmup_steps=_setting(mapping, "warmup_steps"),
        warmup_ratio=_setting(mapping, "warmup_ratio"),
        run_length=_setting(mapping, "max_steps") or run_length,
    )


def _deepspeed(holder: Mapping, scheduler: Mapping, run_length: Setting | None) -> ConfigSchedule | None:
    kind = scheduler.entries.get("type")
    if kind is None or not isinstance(kind.value, Scalar) or kind.value.value not in DEEPSPEED_SCHEDULERS:
        return None
    params = scheduler.get("params")
    params = params if isinstance(params, Mapping) else Mapping()
    return ConfigSchedule(
        Form.DEEPSPEED,
        params,
        Setting(kind),
        warmup_steps=_setting(params, "warmup_num_steps"),
        total_steps=_setting(params, "total_num_steps"),
        run_length=run_length,
        auto=_has_auto(holder),
    )


def _component(lr_scheduler: Mapping) -> ConfigSchedule | None:
    """torchtune's `_component_` (its `num_warmup_steps`) or Lightning CLI's `class_path` (`init_args`)."""
    for key, form in (("_component_", Form.TORCHTUNE), ("class_path", Form.LIGHTNING)):
        entry = lr_scheduler.entries.get(key)
        if entry is not None and isinstance(entry.value, Scalar) and isinstance(entry.value.value, str):
            arguments = lr_scheduler.get("init_args") if form is Form.LIGHTNING else lr_scheduler
            arguments = arguments if isinstance(arguments, Mapping) else Mapping()
            return ConfigSchedule(form, arguments, Setting(entry), warmup_steps=_setting(arguments, "num_warmup_steps"))
    return None


def _has_auto(mapping: Mapping) -> bool:
    """Whether any value under `mapping` is "auto": a config written for the HF integration."""
    return any(
        isinstance(entry.value, Scalar) and entry.value.value == "auto"
        for inner in mappings(mapping)
        for entry in inner.entries.values()
    )
