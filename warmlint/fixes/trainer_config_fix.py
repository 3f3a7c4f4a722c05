"""Fixes of a Hugging Face Trainer config (WL001, WL003, WL004): rewrite its settings.

The Trainer builds the scheduler from `lr_scheduler_type`, `warmup_steps`/`warmup_ratio` and the
run length it computes itself, so no `T` is needed: a constant schedule becomes `"cosine"`, and a
decay without warmup gets `warmup_ratio` (the share of the run the inserted schedule warms up
for), as a new keyword argument of the call or a new field. A value is rewritten where it is
written: a keyword argument of the config call, or the field default of the script's own config
class. Only literal values are rewritten; a value that comes from elsewhere (a constant, the
command line) is left for the user to change where it is set.
"""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.collect import string_value
from warmlint.analysis.names import dotted_name
from warmlint.analysis.phases import WARMUP_SHARE
from warmlint.analysis.trainer_configs import TrainerConfig
from warmlint.fixes.edits import appended
from warmlint.fixes.plans import Planner
from warmlint.fixes.schedule_code import statements
from warmlint.fixes.training_loop import CannotFix
from warmlint.syntax import code_of

DECAY = "cosine"  # the Trainer's cosine decays to 0 at the end of the run it counts itself
WARMUP_RATIO = f"{WARMUP_SHARE:g}"


def decay_config_after_warmup(planner: Planner, config: TrainerConfig) -> None:
    """WL003: `"constant_with_warmup"` -> `"cosine"`, with the same warmup."""
    _set_schedule(planner, config)


def warmup_and_decay(planner: Planner, config: TrainerConfig) -> None:
    """WL001: `"constant"` -> `"cosine"`, and a warmup where the config has none."""
    _set_schedule(planner, config)
    if config.has_warmup is False:
        _set_warmup(planner, config)


def add_config_warmup(planner: Planner, config: TrainerConfig) -> None:
    """WL004: a decaying schedule with no warmup gets `warmup_ratio`."""
    _set_warmup(planner, config)


def _set_schedule(planner: Planner, config: TrainerConfig) -> None:
    setting = config.settings.get("lr_scheduler_type")
    if setting is None or not isinstance(setting.expr, cst.SimpleString) or string_value(setting.expr) is None:
        raise CannotFix(f'lr_scheduler_type is not a string written here: set it to "{DECAY}" where it is set')
    quote = setting.expr.quote
    planner.edits.replace(setting.expr, cst.SimpleString(f"{quote}{DECAY}{quote}"))


def _set_warmup(planner: Planner, config: TrainerConfig) -> None:
    """`warmup_ratio` set to the default share, over a 0 written in the file or as a new setting."""
    written = config.settings.get("warmup_ratio")
    if written is not None:
        if not isinstance(written.expr, (cst.Integer, cst.Float)):
            raise CannotFix(f"warmup_ratio is set through `{code_of(written.expr)}`: give it a value above 0 there")
        planner.edits.replace(written.expr, cst.Float(WARMUP_RATIO))
        return
    if isinstance(config.node, cst.Call):
        _add_keyword(planner, config.node)
    elif isinstance(config.node, cst.ClassDef):
        _add_field(planner, config.node)
    else:
        raise CannotFix("warmup_ratio is not set in the config")


def _add_keyword(planner: Planner, node: cst.Call) -> None:
    """`warmup_ratio=0.05` after the call's last keyword argument, in its layout."""
    if any(arg.star for arg in node.args):
        raise CannotFix("the config call passes **kwargs: set warmup_ratio where they are built")
    argument = cst.Arg(
        cst.Float(WARMUP_RATIO),
        keyword=cst.Name("warmup_ratio"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    planner.edits.on_same(node, lambda updated: updated.with_changes(args=appended(updated.args, argument)))


def _add_field(planner: Planner, node: cst.ClassDef) -> None:
    """A `warmup_ratio` field after the schedule's fields, in the style of the fields around it."""
    fields = [(name, statement) for statement in node.body.body if (name := _field_name(statement)) is not None]
    if not fields:
        raise CannotFix("the config class declares no fields to put warmup_ratio beside")
    by_name = dict(fields)
    anchor = by_name.get("lr_scheduler_type") or by_name.get("learning_rate") or fields[-1][1]
    factory = _field_factory(anchor)
    value = f"{factory}(default={WARMUP_RATIO})" if factory else WARMUP_RATIO
    planner.edits.insert_after(anchor, statements(f"warmup_ratio: float = {value}\n"))


def _field_name(statement: cst.BaseStatement | cst.BaseSmallStatement) -> str | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            return small.target.value
    return None


def _field_factory(statement: cst.BaseStatement | cst.BaseSmallStatement) -> str | None:
    """`field` (or `dataclasses.field`) when the field is declared with it."""
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    value = small.value if isinstance(small, cst.AnnAssign) else None
    if isinstance(value, cst.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] == "field":
        return code_of(value.func)
    return None
