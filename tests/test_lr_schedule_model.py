"""The schedule model's own fields (`schedule_of`) on small sources, one way of setting the LR
each: T, W, the peak and the target, the stepping unit and the phases, never through rule output."""

from __future__ import annotations

import pytest
from conftest import model_of

from warmlint.analysis.lr_schedule import Schedule, SetterKind, StepUnit, WritePhase, schedule_of


def schedule(source: str) -> Schedule:
    model = model_of(source)
    (optimizer,) = model.optimizers
    return schedule_of(model, optimizer)


def test_lambdalr_ramp_then_constant():
    found = schedule(
        """
        import torch
        from torch.optim.lr_scheduler import LambdaLR
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = LambdaLR(optimizer, lambda s: min(1.0, s / 200))
        for step in range(1000):
            optimizer.step()
            scheduler.step()
        """
    )
    assert found.unit is StepUnit.OPTIMIZER_STEP
    assert found.total is not None and (found.total.text, found.total.value) == ("1000", 1000)
    assert found.warmup is not None and found.warmup.value == 200
    assert found.peak is not None and found.peak.value == pytest.approx(0.1)
    assert found.target == found.peak
    assert [s.kind for s in found.setters] == [SetterKind.SCHEDULER] and found.alone
    assert found.phases is not None and found.phases.peak_step == 200
    assert found.phases.warmup and found.phases.constant_tail and not found.phases.decays
    assert found.lr_at(100) == pytest.approx(0.05)


def test_linearlr_then_cosine_in_a_sequentiallr_is_one_curve():
    found = schedule(
        """
        import torch
        from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
        warmup = LinearLR(optimizer, start_factor=0.01, total_iters=100)
        cosine = CosineAnnealingLR(optimizer, T_max=900)
        scheduler = SequentialLR(optimizer, [warmup, cosine], milestones=[100])
        for step in range(1000):
            optimizer.step()
            scheduler.step()
        """
    )
    assert found.unit is StepUnit.OPTIMIZER_STEP
    assert found.total is not None and found.total.value == 1000
    assert found.warmup is not None and found.warmup.value == 100
    assert found.peak is not None and (found.peak.value, found.peak.text) == (3e-4, "3e-4")
    assert [s.label for s in found.setters] == ["SequentialLR"]  # one setter: the children are its phases
    assert found.lr_at(0) == pytest.approx(3e-6)  # start_factor * the base LR
    assert found.phases is not None and found.phases.peak_step == 100
    assert found.phases.warmup and found.phases.decays and not found.phases.constant_tail


@pytest.mark.parametrize("factory", ["get_linear_schedule_with_warmup", "get_cosine_schedule_with_warmup"])
def test_a_transformers_factory_names_its_warmup_and_its_run_length(factory):
    found = schedule(
        f"""
        import torch
        from transformers import {factory}
        max_steps = 2000
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)
        scheduler = {factory}(optimizer, num_warmup_steps=200, num_training_steps=max_steps)
        for step in range(max_steps):
            optimizer.step()
            scheduler.step()
        """
    )
    assert found.unit is StepUnit.OPTIMIZER_STEP
    assert found.total is not None and (found.total.text, found.total.value) == ("max_steps", 2000)
    assert found.warmup is not None and (found.warmup.text, found.warmup.value) == ("200", 200)
    assert found.warmup.unit is StepUnit.OPTIMIZER_STEP  # `num_warmup_steps` says so
    assert found.peak is not None and found.peak.value == pytest.approx(5e-5)
    assert found.lr_at(0) == 0 and found.lr_at(100) == pytest.approx(2.5e-5)
    assert found.phases is not None and found.phases.peak_step == 200
    assert found.phases.warmup and found.phases.decays


def test_a_manual_ramp_is_a_param_group_write_with_its_warmup_length():
    found = schedule(
        """
        import torch
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        warmup_steps = 50
        for step in range(500):
            if step < warmup_steps:
                for g in optimizer.param_groups:
                    g["lr"] = 0.1 * (step + 1) / warmup_steps
            optimizer.step()
        """
    )
    assert [s.kind for s in found.setters] == [SetterKind.PARAM_GROUP_WRITE]
    assert found.writes == ()  # the write is not a constant
    assert found.total is not None and found.total.value == 500
    assert found.warmup is not None and (found.warmup.text, found.warmup.value) == ("warmup_steps", 50)
    assert found.peak is not None and found.peak.value == 0.1
    assert found.curve is None and "condition on `step`" in found.curve_unknown


def test_a_constant_fake_warmup_holds_a_low_lr_and_then_the_target():
    found = schedule(
        """
        import torch
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        warmup_steps = 100
        for step in range(1000):
            if step < warmup_steps:
                for g in optimizer.param_groups:
                    g["lr"] = 0.001
            else:
                for g in optimizer.param_groups:
                    g["lr"] = 0.05
            optimizer.step()
        """
    )
    assert [(w.lr.value, w.phase) for w in found.writes] == [
        (0.001, WritePhase.WARMUP),
        (0.05, WritePhase.AFTER_WARMUP),
    ]
    assert found.warmup_lr is not None and found.warmup_lr.value == 0.001
    assert found.target is not None and found.target.value == 0.05  # what the run trains at after the warmup
    assert found.peak is not None and found.peak.value == 0.1  # the base, though only step 0 would see it
    assert found.warmup is not None and found.warmup.value == 100
    assert found.lr_at(50) == 0.001 and found.lr_at(500) == 0.05
    assert found.phases is not None and found.phases.jump is not None and not found.phases.warmup
    assert found.phases.jump[0] == 100  # the whole rise is the one step where the warmup ends


def test_a_scheduler_stepped_per_epoch_counts_its_warmup_in_epochs():
    found = schedule(
        """
        import torch
        from torch.optim.lr_scheduler import LambdaLR
        warmup_epochs = 5
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = LambdaLR(optimizer, lambda epoch: min(1.0, (epoch + 1) / warmup_epochs))
        for epoch in range(30):
            for batch in loader:
                optimizer.step()
            scheduler.step()
        """
    )
    assert found.unit is StepUnit.EPOCH
    assert found.warmup is not None and (found.warmup.value, found.warmup.unit) == (5, StepUnit.EPOCH)
    assert found.total is not None and (found.total.text, found.total.value) == ("30 * len(loader)", None)
    # Not a curve over optimizer steps: the steps per epoch are not in the file.
    assert found.curve is None and "not stepped once per optimizer step" in found.curve_unknown
    assert found.phases is None


def test_a_run_length_the_file_does_not_fix_is_its_expression_and_no_phases():
    found = schedule(
        """
        import torch
        from torch.optim.lr_scheduler import LambdaLR
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
        for batch in loader:
            optimizer.step()
            scheduler.step()
        """
    )
    assert found.total is not None and (found.total.text, found.total.value) == ("len(loader)", None)
    assert found.phases is None  # phases need T
    assert found.lr_at(0) == pytest.approx(0.001) and found.lr_at(99) == pytest.approx(0.1)  # the curve does not


def test_an_uncountable_loop_has_no_run_length_and_says_why():
    found = schedule(
        """
        import torch
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
        while True:
            optimizer.step()
            scheduler.step()
        """
    )
    assert found.total is None
    assert "while True" in found.total_unknown and "--total-steps" in found.total_unknown
    assert found.phases is None


def test_an_optimizer_nothing_changes_is_flat_at_its_base_lr():
    found = schedule(
        """
        import torch
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for step in range(1000):
            optimizer.step()
        """
    )
    assert found.setters == () and found.writes == () and found.warmup is None
    assert found.base is not None and (found.base.value, found.base.text) == (0.1, "0.1")
    assert found.lr_at(0) == found.lr_at(999) == 0.1
    assert found.phases is not None and found.phases.constant_tail and not found.phases.warmup


def test_a_scheduler_rebuilt_with_last_epoch_starts_its_curve_there():
    model = model_of(
        "import math\nimport torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"
        "optimizer = torch.optim.AdamW(p, lr=1e-3)\nstart = 50\n"
        "scheduler = LambdaLR(optimizer, lambda s: 1 - s / 200, last_epoch=start - 1)\n"
        "for step in range(start, 200):\n    optimizer.step()\n    scheduler.step()\n"
    )
    (optimizer,) = model.optimizers
    schedule = schedule_of(model, optimizer)
    assert schedule.lr_at(0) == pytest.approx(1e-3 * (1 - 50 / 200))  # torch's first step() of the rebuilt scheduler
    assert schedule.lr_at(10) == pytest.approx(1e-3 * (1 - 60 / 200))


def test_a_last_epoch_that_does_not_resolve_leaves_the_curve_unknown():
    model = model_of(
        "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\noptimizer = torch.optim.AdamW(p, lr=1e-3)\n"
        "scheduler = LambdaLR(optimizer, lambda s: 1 - s / 200, last_epoch=ckpt['step'])\n"
        "for step in range(200):\n    optimizer.step()\n    scheduler.step()\n"
    )
    (optimizer,) = model.optimizers
    schedule = schedule_of(model, optimizer)
    assert schedule.curve is None and "last_epoch=ckpt['step']" in schedule.curve_unknown
