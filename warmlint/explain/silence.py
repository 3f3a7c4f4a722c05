"""One line per rule: what it found, or why it stayed silent.

A reason is given only where a fact of the model is one the rule needs and the file lacks (no
scheduler for a scheduler rule, T that does not resolve, an optimizer that is not a training
run); otherwise the line says only that the rule checked and found nothing. Findings are the lint
engine's own, after suppressions; a rule whose findings a comment hides says so.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from warmlint.analysis.checkpoints import checkpoint_dicts
from warmlint.analysis.deepspeed_dicts import deepspeed_schedules
from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.length_order import Order, compare
from warmlint.analysis.lr_schedule import schedule_of
from warmlint.analysis.model import Model, Optimizer, Scheduler
from warmlint.analysis.scale import ScaleEvidence
from warmlint.analysis.schedule_length import covered, horizon, scheduler_run
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.trainer_configs import trainer_configs
from warmlint.analysis.warmup_length import warmup_length
from warmlint.config import Config
from warmlint.diagnostics import FileResult
from warmlint.engine.selection import enabled_codes
from warmlint.explain.report import Finding, Place, RuleLine, RuleStatus
from warmlint.rule_index import RULE_INFO, all_codes
from warmlint.rules import RULES, Rule, RuleContext
from warmlint.rules.thresholds import Threshold, WarmupNeed, high_lr_threshold, warmup_need
from warmlint.rules.wl004_decay_without_warmup import decay_only
from warmlint.rules.wl012_scheduler_outside_accumulation_guard import guarded_steps
from warmlint.syntax import Unresolved

CHECKED = "checked: nothing found"
NOT_SELECTED = "not selected by the configuration (select/ignore)"
SUPPRESSED = "its findings are hidden by a suppression comment"

Locate = Callable[[cst.CSTNode], "Place | None"]
Reason = Callable[["Facts"], "str | None"]


class Facts:
    """What the reasons read: the model, the file's config, and where a node is."""

    def __init__(self, model: Model, config: Config, locate: Locate) -> None:
        self.model = model
        self.config = config
        self.locate = locate

    def name(self, obj: Optimizer | Scheduler) -> str:
        place = self.locate(obj.call.node)
        return f"{obj.short_name} ({place})" if place is not None else obj.short_name

    def top_schedulers(self) -> list[Scheduler]:
        return [s for s in self.model.schedulers if s.parent is None]


def rule_lines(result: FileResult, config: Config, lines: Callable, locate: Locate) -> tuple[RuleLine, ...]:
    model = result.model
    assert model is not None
    enabled = enabled_codes(config, result.path, all_codes())
    context = RuleContext(model, config, lines)
    facts = Facts(model, config, locate)
    found = []
    for code in all_codes():
        name = RULE_INFO[code].name
        if code not in enabled:
            found.append(RuleLine(code, name, RuleStatus.NOT_SELECTED, reason=NOT_SELECTED))
            continue
        mine = [d for d in result.diagnostics if d.code == code]
        if mine:
            findings = tuple(Finding(Place(d.line, d.cell), d.message) for d in mine)
            found.append(RuleLine(code, name, RuleStatus.FOUND, findings))
        elif code in RULES and _finds_something(RULES[code], context):
            found.append(RuleLine(code, name, RuleStatus.SUPPRESSED, reason=SUPPRESSED))
        else:
            why = REASONS.get(code)
            found.append(RuleLine(code, name, RuleStatus.SILENT, reason=(why(facts) if why else None) or CHECKED))
    return tuple(found)


def _finds_something(entry: Rule, context: RuleContext) -> bool:
    return entry.check is not None and next(iter(entry.check(context)), None) is not None


def _per_object(facts: Facts, objects, why: Callable) -> str | None:
    """One reason per optimizer or scheduler, `checked` for those without one; None when none has one."""
    parts = [(facts.name(o), why(o)) for o in objects]
    if not parts or all(reason is None for _, reason in parts):
        return None
    return "; ".join(f"{name}: {reason or CHECKED}" for name, reason in parts)


def _wl000(facts: Facts) -> str:
    return "the file parses"


def _wl001(facts: Facts) -> str | None:
    model = facts.model
    configs = trainer_configs(model)
    if not model.optimizers and not configs:
        return "no optimizer and no Trainer config in the file"
    if model.unattributed_lr_writes or any(s.optimizer is None for s in model.schedulers):
        return "an LR write or a scheduler is not tied to one optimizer, so it cannot tell that nothing changes the LR"
    if configs:
        return None

    def why(optimizer: Optimizer) -> str | None:
        threshold = high_lr_threshold(optimizer, model, facts.config)
        if threshold is None:
            return f"the {optimizer.family} family has no high-LR threshold"
        if optimizer.lr is None:
            return "its lr does not resolve"
        if not threshold.exceeded_by(optimizer.lr.number):
            return _below(optimizer, threshold)
        if optimizer.has_schedule:
            setters = ", ".join(s.label for s in schedule_of(model, optimizer).setters)
            return f"its LR is set over time ({setters})"
        if optimizer.escapes:
            return f"the optimizer is {optimizer.escapes[0]}"
        if not optimizer.lifetime.is_training_run:
            return f"not a training run: {optimizer.lifetime.value}"
        return None

    return _per_object(facts, model.optimizers, why)


def _below(optimizer: Optimizer, threshold: Threshold) -> str:
    assert optimizer.lr is not None
    lr, limit = optimizer.lr.number, f"lr {threshold.comparison} {threshold.limit:g}"
    if threshold.key == "adam-any-model-high" and optimizer.scale in (ScaleEvidence.NONE, ScaleEvidence.UNKNOWN):
        unknown = " (the model could not be followed)" if optimizer.scale is ScaleEvidence.UNKNOWN else ""
        return f"no scale evidence for {optimizer.short_name} at {lr:g}{unknown}: without it, high means {limit}"
    why = f", {threshold.why}" if threshold.why else ""
    return f"lr={lr:g} is not high: high means {limit} (`{threshold.key}`{why})"


def _wl002(facts: Facts) -> str | None:
    model = facts.model
    if not any(model.is_param_group_write(w) for w in model.raw.lr_writes) and not any(
        o.lr_writes for o in model.optimizers
    ):
        return "no LR is written into a param group"
    return None


def _wl003(facts: Facts) -> str | None:
    model = facts.model
    if not (model.schedulers or model.raw.lr_writes or deepspeed_schedules(model) or trainer_configs(model)):
        return "no scheduler, LR write, DeepSpeed scheduler or Trainer config in the file"
    return None


def _wl004(facts: Facts) -> str | None:
    model = facts.model
    if not model.optimizers and not trainer_configs(model):
        return "no optimizer and no Trainer config in the file"
    if trainer_configs(model):
        return None

    def why(optimizer: Optimizer) -> str | None:
        if optimizer.escapes:
            return f"the optimizer is {optimizer.escapes[0]}"
        if not optimizer.lifetime.is_training_run:
            return f"not a training run: {optimizer.lifetime.value}"
        if not optimizer.schedulers:
            helper = schedule_of(model, optimizer).helper
            if helper is None:
                return "no scheduler sets its LR"
            if helper.shape.kind is not ShapeKind.DECAY_ONLY:
                return f"{helper.function}() does not only decay the LR"
            return None
        if optimizer.lr_writes or optimizer.schedule_helpers:
            return "its LR is also written by hand beside its scheduler"
        top = [s for s in optimizer.schedulers if s.parent is None]
        if not all(decay_only(model, s) for s in top):
            return "its schedule does not only decay"
        if optimizer.lr is None:
            return "its lr does not resolve"
        verdict = warmup_need(optimizer, model, facts.config)
        if verdict.need is WarmupNeed.UNKNOWN:
            return f"warmlint has no warmup threshold for {optimizer.short_name}"
        if verdict.need is WarmupNeed.NOT_NEEDED:
            lr = f"lr={optimizer.lr.number:g}"
            return f"{lr} is not high enough to need a warmup (WL004 asks for one at {verdict.described})"
        return None

    return _per_object(facts, model.optimizers, why)


def _no_scheduler(facts: Facts) -> str | None:
    return "no scheduler in the file" if not facts.model.schedulers else None


def _wl005(facts: Facts) -> str | None:
    if not facts.model.schedulers:
        return "no scheduler in the file"
    if not any(s.calls_of("step") for s in facts.model.schedulers):
        return "no scheduler.step() call in the file"
    return None


def _wl007(facts: Facts) -> str | None:
    if not facts.model.schedulers:
        return "no scheduler in the file"
    if all(warmup_length(facts.model, s) is None for s in facts.top_schedulers()):
        return "no warmup length is read from any scheduler"
    return None


def _wl008(facts: Facts) -> str | None:
    if not facts.model.schedulers:
        return "no scheduler in the file"
    saved = checkpoint_dicts(facts.model)
    if not saved:
        return "the file saves no checkpoint dict"
    if all(s.optimizer_key is None for s in saved):
        return "no checkpoint holds the optimizer's state"
    if all(s.has_scheduler_state or s.schedule_replayed or s.optimizer_key is None for s in saved):
        return "every checkpoint of the optimizer's state holds the scheduler's too (or it is replayed on resume)"
    return None


def _wl009(facts: Facts) -> str | None:
    model = facts.model
    if not model.schedulers and not deepspeed_schedules(model):
        return "no scheduler in the file"

    def why(scheduler: Scheduler) -> str | None:
        warmup = warmup_length(model, scheduler)
        if warmup is None:
            return "no warmup length is read from it"
        if warmup.value is None:
            return f"W `{warmup.text}` does not resolve"
        try:
            run = scheduler_run(model, scheduler)
        except Unresolved as reason:
            return f"T unknown: {reason}"
        if warmup.unit is not None and warmup.unit != run.unit:
            return "its warmup is counted in the other unit (WL007's case)"
        if run.calls.value is None:
            return f"T unknown: `{run.calls.text}` does not resolve"
        return f"W = {warmup.value:g} < T = {run.calls.value:g} scheduler steps"

    return _per_object(facts, facts.top_schedulers(), why)


def _span(facts: Facts, kind: SchedulerKind) -> str | None:
    """WL010 and WL011: a horizon written in the scheduler, against the steps the run gives it."""
    model = facts.model
    cosine = kind is SchedulerKind.COSINE
    mine = [s for s in model.schedulers if SchedulerKind.of(s) is kind]
    if not mine and not (cosine and deepspeed_schedules(model)):
        return f"no {kind.value} in the file"

    def why(scheduler: Scheduler) -> str | None:
        length = horizon(model, scheduler)
        if length is None:
            return f"no {'T_max' if cosine else 'length'} written in its construction"
        try:
            span = covered(model, scheduler, scheduler_run(model, scheduler))
        except Unresolved as reason:
            return f"T unknown: {reason}"
        order = compare(model, length.length.text, span.text, scheduler.call.scope)
        if order is None:
            return f"{length.kind} = {length.length} and the {span} steps it gets cannot be compared"
        if order is Order.EQUAL or (cosine and order is not Order.SHORTER):
            return f"{length.kind} = {length.length} covers the {span} steps it gets"
        return None

    return _per_object(facts, mine, why)


def _wl012(facts: Facts) -> str | None:
    if any(guarded_steps(facts.model)):
        return None
    return "no optimizer.step() of a training run under a gradient-accumulation guard"


def _wl013(facts: Facts) -> str | None:
    model = facts.model
    both = [
        o
        for o in model.optimizers
        if o.lifetime.is_training_run and o.lr_writes and any(s.parent is None for s in o.schedulers)
    ]
    return None if both else "no optimizer of a training run has both a hand-written LR and a scheduler"


def _wl014(facts: Facts) -> str | None:
    configs = trainer_configs(facts.model)
    if not configs:
        return "no Trainer config in the file"
    if not any(c.schedule == "constant" and c.has_warmup for c in configs):
        return 'no Trainer config with lr_scheduler_type="constant" and a warmup'
    return None


def _suppressions(facts: Facts) -> str | None:
    if facts.config.ignore_noqa:
        return "suppression comments are ignored (ignore-noqa)"
    words = ("noqa", "warmlint")
    if not any(word in c.value.lower() for c in facts.model.raw.comments for word in words):
        return "no `noqa` or `warmlint:` comment in the file"
    return None


REASONS: dict[str, Reason] = {
    "WL000": _wl000,
    "WL001": _wl001,
    "WL002": _wl002,
    "WL003": _wl003,
    "WL004": _wl004,
    "WL005": _wl005,
    "WL006": _no_scheduler,
    "WL007": _wl007,
    "WL008": _wl008,
    "WL009": _wl009,
    "WL010": lambda facts: _span(facts, SchedulerKind.COSINE),
    "WL011": lambda facts: _span(facts, SchedulerKind.ONE_CYCLE),
    "WL012": _wl012,
    "WL013": _wl013,
    "WL014": _wl014,
    "WL100": _suppressions,
    "WL101": _suppressions,
}
