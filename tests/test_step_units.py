"""The unit a length counts: by its name, by its size against the run's epochs, and the unit a
never-stepped scheduler is meant to be stepped in (what WL006's fix follows)."""

from __future__ import annotations

import pytest
from conftest import model_of

from warmlint.analysis.stepping_unit import intended_unit
from warmlint.analysis.units import StepUnit, mentions_unit, unit_by_size, unit_named

STEP, EPOCH = StepUnit.OPTIMIZER_STEP, StepUnit.EPOCH


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("warmup_epochs", EPOCH),
        ("args.warmup_steps", STEP),
        ("num_warmup_iters", STEP),
        ("steps_per_epoch", EPOCH),  # counted per epoch, though it names steps
        ("warmup", None),
        ("cfg.lr_warmup", None),
    ],
)
def test_a_length_names_its_unit(name, unit):
    assert unit_named(name) is unit


def test_mentions_unit_sees_every_word_of_a_unit():
    assert mentions_unit("steps_per_epoch", STEP) and mentions_unit("steps_per_epoch", EPOCH)
    assert not mentions_unit("warmup", STEP)
    assert not mentions_unit("warmup_epochs", StepUnit.UNKNOWN)


@pytest.mark.parametrize(
    ("length", "epochs", "unit"),
    [
        (500, 90, STEP),
        (360, 90, STEP),  # four times the epochs, the smallest such length
        (359, 90, None),
        (99, 2, None),  # too short to tell
        (500, None, None),  # the epochs are not known
    ],
)
def test_a_length_too_large_for_the_epochs_counts_steps(length, epochs, unit):
    assert unit_by_size(length, epochs) is unit


def scheduler_of(construction: str):
    model = model_of(
        f"import torch\nfrom torch.optim import lr_scheduler\noptimizer = torch.optim.SGD(p, lr=0.1)\n"
        f"scheduler = lr_scheduler.{construction}\n"
    )
    (scheduler,) = model.schedulers
    return model, scheduler


@pytest.mark.parametrize(
    ("construction", "epochs", "unit"),
    [
        ("StepLR(optimizer, step_size=30)", 90, EPOCH),
        ("StepLR(optimizer, 3000, gamma=0.1)", 90, STEP),
        ("StepLR(optimizer, step_size=3000)", None, EPOCH),  # no epoch count to compare with: the convention
        ("MultiStepLR(optimizer, milestones=[30, 60])", 90, EPOCH),
        ("MultiStepLR(optimizer, [30, 6000])", 90, STEP),
        ("ExponentialLR(optimizer, gamma=0.95)", 90, EPOCH),
        ("CosineAnnealingLR(optimizer, T_max=90)", 90, STEP),  # the length rules judge its T_max
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)", 10, STEP),
    ],
)
def test_a_never_stepped_scheduler_is_stepped_in_the_unit_its_lengths_count(construction, epochs, unit):
    model, scheduler = scheduler_of(construction)
    assert intended_unit(model, scheduler, epochs) is unit
