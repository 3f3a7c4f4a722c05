"""Hugging Face Trainer configs read as schedule facts.

Many runs never build an optimizer in the file: `Trainer` builds AdamW and its scheduler from
`TrainingArguments` (or a TRL config, which subclasses it). The facts that matter are the LR,
`lr_scheduler_type` (default "linear") and the warmup (`warmup_steps`, `warmup_ratio`, both 0 by
default). Two forms are read: a call with keyword arguments, and a script's own dataclass that
subclasses the config and sets field defaults (parsed from the command line by
`HfArgumentParser`, as argparse defaults are). Only files that build a Trainer count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.collect import string_value
from warmlint.analysis.facts import BindingKind
from warmlint.analysis.model import Model
from warmlint.analysis.names import dotted_name
from warmlint.analysis.values import Value, field_default

_TRAINER_CALL = re.compile(r"Trainer$")
DEFAULT_SCHEDULE = "linear"
# Schedules that start at the peak and only go down when there is no warmup.
DECAYING_SCHEDULES = {"linear", "cosine", "cosine_with_restarts", "polynomial", "cosine_with_min_lr"}


@dataclass(frozen=True)
class Setting:
    """One config value and where it is written (a keyword argument, or a dataclass field)."""

    node: cst.CSTNode
    expr: cst.BaseExpression


@dataclass(frozen=True)
class TrainerConfig:
    node: cst.CSTNode  # the config call, or the subclass
    from_defaults: bool  # a subclass's field defaults (True), or a call's keywords (False)
    learning_rate: Value | None
    learning_rate_at: cst.CSTNode | None
    schedule: str | None  # lr_scheduler_type; None when it cannot be read
    schedule_at: cst.CSTNode | None  # None when the default applies
    has_warmup: bool | None  # None when warmup_steps or warmup_ratio cannot be read
    adam: bool  # the optimizer the Trainer builds is of the Adam family
    settings: dict[str, Setting] = field(default_factory=dict, compare=False, repr=False)  # what the fix rewrites


def trainer_configs(model: Model) -> list[TrainerConfig]:
    """The Trainer configs of a file that builds a Trainer (computed once per file)."""
    if model.trainer_configs is None:
        model.trainer_configs = _read(model)
    return model.trainer_configs


def _read(model: Model) -> list[TrainerConfig]:
    if not any(_TRAINER_CALL.search((c.callee or "").rsplit(".", 1)[-1]) for c in model.raw.calls):
        return []
    configs = []
    for call in model.raw.calls:
        if catalog.is_trainer_config(model.qualified(call) or ""):
            if any(arg.star for arg in call.node.args):
                continue  # **kwargs: the values are not in the file
            settings = {a.keyword.value: Setting(a, a.value) for a in call.node.args if a.keyword is not None}
            configs.append(_config(model, call.node, settings, call.scope, from_defaults=False))
    for scope, names in model.raw.bindings.items():
        for name, bindings in names.items():
            for binding in bindings:
                node = binding.node
                if (
                    binding.kind is BindingKind.CLASS
                    and isinstance(node, cst.ClassDef)
                    and _subclasses_config(model, node)
                ):
                    class_scope = scope + (name,)
                    settings = _field_defaults(model, class_scope)
                    configs.append(_config(model, node, settings, class_scope, from_defaults=True))
    return configs


# A checkpoint made for tests (`hf-internal-testing/tiny-random-gpt2`, `trl-internal-testing/...`):
# no run at scale trains it.
_TEST_CHECKPOINT = re.compile(r"^[\w.-]*internal-testing/|(^|[/_-])tiny([/_-]|$)", re.I)


def trains_pretrained_model(model: Model) -> bool:
    """The file trains a pretrained model (`from_pretrained`, not a test checkpoint) with `.train()`
    outside its tests: a Trainer config's keyword arguments are then those of a real run. A file
    that loads a test checkpoint anywhere is a test of the Trainer's plumbing."""
    if not any(_calls_train(c.node) and not _in_test(c.scope) for c in model.raw.calls):
        return False
    real = False
    for call in model.raw.calls:
        qualified = model.qualified(call) or ""
        if qualified.endswith(".from_pretrained") and catalog.builds_transformer(qualified):
            first = call.node.args[0].value if call.node.args else None
            name = _text(model, first, call.scope) if first is not None else None
            if name is not None and _TEST_CHECKPOINT.search(name):
                return False
            real = real or not _in_test(call.scope)
    return real


def _in_test(scope) -> bool:
    """Code of a test (`test_*` functions, `Test*` classes), which exercises the Trainer on toy runs."""
    return any(part.lower().startswith("test") for part in scope[1:])


def _calls_train(call: cst.Call) -> bool:
    """`trainer.train()`, `Trainer(...).train()`."""
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "train" and not call.args


def _subclasses_config(model: Model, node: cst.ClassDef) -> bool:
    return any(catalog.is_trainer_config(model.imports.qualify(dotted_name(b.value)) or "") for b in node.bases)


def _field_defaults(model: Model, class_scope) -> dict[str, Setting]:
    settings = {}
    for name, bindings in model.raw.bindings.get(class_scope, {}).items():
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].value is None:
            continue
        declared = bindings[0].value
        value = field_default(declared) if isinstance(declared, cst.BaseExpression) else None
        if value is not None:
            settings[name] = Setting(bindings[0].node or value, value)
    return settings


def _config(model: Model, node, settings: dict[str, Setting], scope, from_defaults: bool) -> TrainerConfig:
    lr = settings.get("learning_rate")
    schedule = settings.get("lr_scheduler_type")
    optim = settings.get("optim")
    optim_name = _text(model, optim.expr, scope) if optim else "adamw_torch"
    return TrainerConfig(
        node=node,
        from_defaults=from_defaults,
        learning_rate=model.resolver.number(lr.expr, scope) if lr else None,
        learning_rate_at=lr.node if lr else None,
        schedule=_text(model, schedule.expr, scope) if schedule else DEFAULT_SCHEDULE,
        schedule_at=schedule.node if schedule else None,
        has_warmup=_has_warmup(model, settings, scope),
        adam=optim_name is not None and "adam" in optim_name.lower(),
        settings=settings,
    )


def _has_warmup(model: Model, settings: dict[str, Setting], scope) -> bool | None:
    for key in ("warmup_steps", "warmup_ratio"):
        setting = settings.get(key)
        if setting is None:
            continue  # the default: no warmup
        value = model.resolver.number(setting.expr, scope)
        if value is None:
            return None
        if value.number > 0:
            return True
    return False


def _text(model: Model, expr: cst.BaseExpression, scope) -> str | None:
    """A string setting, literal or through a constant (`SchedulerType.COSINE` is not read)."""
    literal = string_value(expr)
    if literal is not None:
        return literal
    origins = model.resolver.origins(expr, scope)
    if origins and len(origins) == 1:
        return string_value(origins[0][0])
    return None
