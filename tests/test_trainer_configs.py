"""Hugging Face Trainer configs read as schedule facts (WL001, WL003, WL004)."""

from __future__ import annotations

import pytest
from conftest import found

SUBCLASS = """\
from dataclasses import dataclass, field
import transformers
from transformers import AutoModelForCausalLM, Trainer

@dataclass
class TrainingArguments(transformers.TrainingArguments):
{fields}

model = AutoModelForCausalLM.from_pretrained("gpt2")
Trainer(model=model, args=TrainingArguments())
"""


def subclass(*fields: str, trainer: bool = True, pretrained: bool = True) -> str:
    source = SUBCLASS.format(fields="\n".join(f"    {f}" for f in fields))
    if not trainer:
        source = source.replace("Trainer(model=model, args=TrainingArguments())\n", "")
    if not pretrained:
        source = source.replace('AutoModelForCausalLM.from_pretrained("gpt2")', "build()")
    return source


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            ("learning_rate: float = field(default=2e-4)", 'lr_scheduler_type: str = field(default="constant")'),
            {(8, "WL001")},
        ),
        (
            ("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "constant"', "warmup_ratio: float = 0.03"),
            {(8, "WL001"), (8, "WL014")},
        ),  # the warmup is ignored by "constant"
        (("learning_rate: float = field(default=2e-4)",), {(7, "WL004")}),  # the default linear, no warmup
        (("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "cosine"'), {(7, "WL004")}),
        (("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "cosine"', "warmup_ratio: float = 0.03"), set()),
        (("learning_rate: float = 2e-4", "warmup_steps: int = 100"), set()),
        (("learning_rate: float = 5e-5", 'lr_scheduler_type: str = "constant"'), set()),  # below 1e-4
        (
            ("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "constant"', 'optim: str = "adafactor"'),
            set(),
        ),  # not the Adam family
        (('lr_scheduler_type: str = "constant_with_warmup"', "warmup_steps: int = 100"), {(7, "WL003")}),
    ],
)
def test_a_scripts_own_training_arguments(fields, expected):
    assert found(subclass(*fields)) == expected


def test_a_config_class_in_a_file_that_builds_no_trainer_is_a_library_default():
    assert found(subclass("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "constant"', trainer=False)) == set()


def test_without_scale_evidence_an_adam_lr_of_2e_4_is_fine():
    assert (
        found(subclass("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "constant"', pretrained=False)) == set()
    )


CALL = """\
from transformers import Trainer, TrainingArguments
args = TrainingArguments(output_dir="out", learning_rate={lr}, lr_scheduler_type={schedule!r}{extra})
Trainer(model=model, args=args)
"""


def test_constant_with_warmup_in_keyword_arguments_is_wl003():
    assert found(CALL.format(lr="3e-5", schedule="constant_with_warmup", extra=", warmup_steps=100")) == {(2, "WL003")}


@pytest.mark.parametrize("schedule", ["cosine", "linear", "constant"])
def test_keyword_arguments_are_not_judged_on_their_lr(schedule):
    # Test suites set learning_rate=0.1 on tiny models so that one step visibly moves the weights.
    assert found(CALL.format(lr="0.1", schedule=schedule, extra="")) == set()


def test_kwargs_from_elsewhere_are_not_read():
    source = (
        "from transformers import Trainer, TrainingArguments\nargs = TrainingArguments(**cfg)\nTrainer(args=args)\n"
    )
    assert found(source) == set()


# ---- the fixes: the settings are rewritten where they are written --------------------------
def fixed(source: str) -> tuple[str, list[str]]:
    """The fixed text and the codes of what is still reported."""
    from warmlint.config import Config
    from warmlint.engine.fixer import fix_bytes

    outcome = fix_bytes(source.encode(), "train.py", Config())
    return outcome.fixed.decode(), sorted(d.code for d in outcome.remaining)


def test_a_constant_schedule_becomes_cosine_with_a_warmup_where_it_has_none():
    text, left = fixed(subclass("learning_rate: float = 2e-4", "lr_scheduler_type: str = 'constant'"))
    assert "    lr_scheduler_type: str = 'cosine'\n    warmup_ratio: float = 0.05\n" in text and left == []


def test_a_constant_schedules_ignored_warmup_is_kept():
    source = subclass("learning_rate: float = 2e-4", 'lr_scheduler_type: str = "constant"', "warmup_steps: int = 50")
    text, left = fixed(source)
    assert text == source.replace('"constant"', '"cosine"') and left == []


def test_a_missing_warmup_follows_the_field_style_and_a_zero_ratio_is_raised():
    text, left = fixed(subclass("learning_rate: float = dataclasses.field(default=2e-4)", "seed: int = 1"))
    assert "= dataclasses.field(default=2e-4)\n    warmup_ratio: float = dataclasses.field(default=0.05)\n" in text
    assert left == []
    text, left = fixed(subclass("learning_rate: float = 2e-4", "warmup_ratio: float = 0.0"))
    assert "warmup_ratio: float = 0.05\n" in text and "0.0\n" not in text and left == []


def test_constant_with_warmup_in_a_call_becomes_cosine_with_the_same_warmup():
    source = (
        "from transformers import Trainer, TrainingArguments\n"
        'args = TrainingArguments(output_dir="o", lr_scheduler_type="constant_with_warmup", warmup_steps=100)\n'
        "Trainer(model=model, args=args).train()\n"
    )
    text, left = fixed(source)
    assert text == source.replace("constant_with_warmup", "cosine") and left == []


def test_a_schedule_set_from_elsewhere_is_left_with_the_reason():
    source = (
        "from transformers import Trainer, TrainingArguments\nSCHEDULE = 'constant_with_warmup'\n"
        "args = TrainingArguments(output_dir='o', lr_scheduler_type=SCHEDULE, warmup_steps=100)\nTrainer(args=args)\n"
    )
    from warmlint.engine.lint import check_source

    [finding] = check_source(source, "train.py").diagnostics
    assert finding.code == "WL003" and not finding.fixable
    assert finding.no_fix_reason == 'lr_scheduler_type is not a string written here: set it to "cosine" where it is set'
