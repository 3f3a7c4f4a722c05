"""Parent side: what `check` computed of the script's schedule, read statically before it runs.

The training-run model (`warmlint.analysis`) gives each optimizer's LR at every step where its
formula is known; `verify` runs the script and compares what it observed with that prediction,
so an analysis error shows up as a failed `matches-static` check instead of a silent disagreement
between `check` and `verify`. The run length `T` comes from the same model: `verify` projects
over it when it is a number and none of the flags it was read from is on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.collect import collect
from warmlint.analysis.length_order import solve_batch_count
from warmlint.analysis.lr_schedule import LrCurve, Schedule, SetterKind, schedule_of
from warmlint.analysis.model import Lifetime, Model
from warmlint.analysis.phases import Phases
from warmlint.config import Config, ConfigError
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes
from warmlint.rules.thresholds import Threshold, warmup_threshold

_FLAG = re.compile(r"(--?[\w-]+) default")


@dataclass(frozen=True)
class ScriptLength:
    steps: int
    source: str  # for the report: "the script's loops: `max_iters` = 5000"


@dataclass(frozen=True)
class StaticSchedule:
    """One optimizer's schedule as `check` computed it."""

    optimizer: str  # its class, as the run names it (`SGD`)
    curve: LrCurve | None
    unknown: str  # why there is no curve
    phases: Phases | None
    warmup: str | None  # W as the script writes it
    # Only schedulers set its LR: the child's projection replays them, so it can be compared too
    # (a projection past manual writes only holds the last LR the script used).
    scheduled: bool
    assumed: str = ""  # what the prediction took from the run: "T = `epochs * len(loader)` = 40, ..."

    def summary(self) -> str:
        found = self.phases
        if found is None:
            return "no phases (the run length is unknown)"
        parts = [f"starts at {found.first:.3g}, peak {found.peak:.3g} at step {found.peak_step + 1}"]
        if self.warmup:
            parts.append(f"W = {self.warmup}")
        parts.append(f"ends at {found.end:.3g} at step {found.end_step + 1}")
        if self.assumed:
            parts.append(f"with {self.assumed}")
        return ", ".join(parts)


@dataclass(frozen=True)
class LrPolicy:
    """Where `check` asks the script's optimizer for a schedule: verify judges the run by the same line.

    Under a schedule, a warmup is needed from WL004's threshold. With nothing changing the LR,
    WL001 asks for a warmup then decay from its high LR, and below it for nothing at all.
    """

    optimizer: str  # its class, `SGD`
    threshold: Threshold | None  # None: check judges no LR of this optimizer (RAdam, Adagrad, Lion...)
    unscheduled: bool  # nothing in the file changes its LR
    # Why the file's use of it is no training run ("stepped outside any loop: a single update, ..."),
    # when it is not: check judges no schedule of it.
    not_a_run: str = ""

    def needs_no_warmup_at(self, peak_lr: float) -> str:
        """Why a run peaking at `peak_lr` needs no warmup ("" when it needs one)."""
        if self.not_a_run:
            return f"check judges no schedule of this {self.optimizer}: {self.not_a_run}"
        if self.threshold is None:
            return f"check asks {self.optimizer} for a warmup at no LR"
        if self.threshold.exceeded_by(peak_lr):
            return ""
        return f"{self.optimizer} at {peak_lr:g} needs none (check asks for a warmup at {self.threshold.described})"

    def needs_no_decay_at(self, lr: float) -> str:
        """Why a run held at `lr` by nothing needs no decay ("" when it needs one, or has a schedule)."""
        if self.not_a_run:
            return f"check judges no schedule of this {self.optimizer}: {self.not_a_run}"
        if not self.unscheduled:
            return ""
        if self.threshold is None:
            return f"check asks {self.optimizer} for a schedule at no LR"
        if self.threshold.exceeded_by(lr):
            return ""
        return (
            f"{self.optimizer} at {lr:g} needs no schedule (check asks for a warmup then decay "
            f"at {self.threshold.described})"
        )


@dataclass(frozen=True)
class ScriptFacts:
    length: ScriptLength | None
    schedules: tuple[StaticSchedule, ...]
    unreadable: str = ""  # why the script could not be analysed
    model: Model | None = None
    # check's thresholds for the script's one training optimizer: None with several, or none known.
    policy: LrPolicy | None = None

    def schedules_for(self, total_steps: int | None) -> tuple[StaticSchedule, ...]:
        """The schedules, with a run length the file leaves open (`epochs * len(train_loader)`) taken
        from the run that measured it: the one `len(...)` in it is the number that gives that length."""
        model = self.model
        if model is None or total_steps is None:
            return self.schedules
        runs = _training_runs(model)
        found = []
        for schedule, static in zip(runs, self.schedules):
            total = schedule.total
            solved = None
            if static.curve is None and total is not None and total.value is None:
                solved = solve_batch_count(model, total.text, total.home, total_steps)
            if solved is None or total is None:
                found.append(static)
                continue
            text, value = solved
            again = Model(model.raw, model.imports, known={text: value})
            index = model.optimizers.index(schedule.optimizer)
            taken = f"T = `{total.text}` = {total_steps}, the run's own length"
            refined = _static(schedule_of(again, again.optimizers[index]), taken)
            found.append(refined)
        return tuple(found)


def read_script(path: Path, args: Sequence[str]) -> ScriptFacts:
    """`T` and the schedules of the script's training runs, from the model `check` builds."""
    try:
        module = cst.parse_module(path.read_bytes())
        raw, imports = collect(module)
        model = Model(raw, imports)
    except (OSError, cst.ParserSyntaxError, RecursionError, UnicodeDecodeError) as error:
        return ScriptFacts(None, (), f"the script cannot be analysed: {type(error).__name__}")
    runs = _training_runs(model)
    policy = _lr_policy(model, runs, _config_for(path))
    return ScriptFacts(_length(runs, args), tuple(_static(s) for s in runs), model=model, policy=policy)


def _config_for(path: Path) -> Config:
    """The script's own settings (its thresholds), as `check` reads them; the defaults where they are broken."""
    try:
        return SettingsResolver(all_codes()).config_for(path)
    except ConfigError:
        return Config()


def _lr_policy(model: Model, runs: list[Schedule], config: Config) -> LrPolicy | None:
    """The one policy of the script's training optimizers (the run records the LR of one of them):
    None where they have none, or differ."""
    if not runs:
        return _no_run(model)
    policies = {_policy_of(model, schedule, config) for schedule in runs}
    if len(policies) != 1:
        return None
    (policy,) = policies
    return policy


# Lifetimes that are certainly no training run: nothing the file does with the optimizer could be one.
_NO_RUN = (Lifetime.SINGLE_UPDATE, Lifetime.REBUILT_PER_STEP)


def _no_run(model: Model) -> LrPolicy | None:
    """The policy of a script whose one stepped optimizer check does not count as a training run."""
    stepped = [o for o in model.optimizers if o.steps]
    if len(stepped) != 1 or stepped[0].lifetime not in _NO_RUN:
        return None
    optimizer = stepped[0]
    return LrPolicy(optimizer.short_name, None, not optimizer.has_schedule, not_a_run=optimizer.lifetime.value)


def _policy_of(model: Model, schedule: Schedule, config: Config) -> LrPolicy | None:
    optimizer, unscheduled = schedule.optimizer, not schedule.setters
    threshold = warmup_threshold(optimizer, model, config, unscheduled=unscheduled)
    if threshold is None and optimizer.family != catalog.NEVER:
        return None  # an optimizer warmlint does not know: no policy to judge the run by
    return LrPolicy(optimizer.short_name, threshold, unscheduled)


def _training_runs(model: Model) -> list[Schedule]:
    return [schedule_of(model, o) for o in model.optimizers if o.lifetime.is_training_run and o.steps]


def _static(schedule: Schedule, assumed: str = "") -> StaticSchedule:
    warmup = schedule.warmup.described if schedule.warmup is not None else None
    name = schedule.optimizer.short_name
    scheduled = all(setter.kind is SetterKind.SCHEDULER for setter in schedule.setters)
    return StaticSchedule(name, schedule.curve, schedule.curve_unknown, schedule.phases, warmup, scheduled, assumed)


def _length(runs: list[Schedule], args: Sequence[str]) -> ScriptLength | None:
    """`T` of the script's training runs when they all agree on one number, else None."""
    lengths = [s.total for s in runs if s.total is not None]
    if len({length.value for length in lengths}) != 1:
        return None
    length = lengths[0]
    if length.value is None:
        return None
    passed = {arg.split("=", 1)[0] for arg in args if arg.startswith("-")}
    if any(match.group(1) in passed for source in length.sources if (match := _FLAG.search(source))):
        return None
    value = int(length.value)
    shown = f"`{length.text}`" if length.text == f"{value}" else f"`{length.text}` = {value}"
    return ScriptLength(value, f"the script's loops: {shown}") if value >= 1 else None
