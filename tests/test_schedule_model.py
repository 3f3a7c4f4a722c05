"""The schedule model on small sources: base, peak and target LR, W and T as the script writes
them, the stepping unit, the LR curve and its phases; and fixes that keep the run they fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import dedent, model_of
from lanes import fast_share

from warmlint.analysis.lr_schedule import Schedule, StepUnit, WritePhase, schedule_of
from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_source

ROOT = Path(__file__).resolve().parent.parent
ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))


def only_schedule(source: str) -> Schedule:
    model = model_of(source)
    (optimizer,) = model.optimizers
    return schedule_of(model, optimizer)


LOOP = """
for step in range(1000):
    loss.backward()
    optimizer.step()
    scheduler.step()
"""


def test_a_lambda_warmup_is_read_off_the_code_not_off_samples():
    schedule = only_schedule(
        "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"
        "optimizer = torch.optim.SGD(p, lr=0.1)\n"
        "scheduler = LambdaLR(optimizer, lambda s: min(1.0, s / 400))\n" + LOOP
    )
    assert schedule.unit is StepUnit.OPTIMIZER_STEP
    assert schedule.total is not None and schedule.total.value == 1000
    assert schedule.phases is not None and schedule.phases.peak_step == 400  # not 396, where it is 99% up
    assert schedule.warmup is not None and schedule.warmup.value == 400
    assert schedule.phases.warmup and schedule.phases.constant_tail and not schedule.phases.decays
    assert schedule.lr_at(200) == pytest.approx(0.05)


@pytest.mark.parametrize(
    "scheduler, lr_at_500, decays",
    [
        ("CosineAnnealingLR(optimizer, T_max=1000)", 0.05, True),
        ("StepLR(optimizer, step_size=300, gamma=0.1)", 0.01, True),
        ("LinearLR(optimizer, start_factor=0.1, total_iters=100)", 0.1, False),
        ("MultiStepLR(optimizer, milestones=[400, 800])", 0.01, True),
        ("ExponentialLR(optimizer, gamma=0.99)", 0.1 * 0.99**500, True),
    ],
)
def test_torch_schedulers_have_their_closed_form(scheduler, lr_at_500, decays):
    schedule = only_schedule(
        "import torch\n"
        "from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, StepLR\n"
        f"optimizer = torch.optim.SGD(p, lr=0.1)\nscheduler = {scheduler}\n" + LOOP
    )
    assert schedule.lr_at(500) == pytest.approx(lr_at_500)
    assert schedule.phases is not None and schedule.phases.decays is decays


def test_a_sequential_warmup_then_cosine_is_one_curve():
    schedule = only_schedule(
        "import torch\nfrom torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR\n"
        "optimizer = torch.optim.AdamW(p, lr=3e-4)\n"
        "warmup = LinearLR(optimizer, start_factor=0.01, total_iters=50)\n"
        "cosine = CosineAnnealingLR(optimizer, T_max=950)\n"
        "scheduler = SequentialLR(optimizer, [warmup, cosine], milestones=[50])\n" + LOOP
    )
    assert schedule.lr_at(0) == pytest.approx(3e-6)
    assert schedule.lr_at(50) == pytest.approx(3e-4)
    assert schedule.phases is not None and schedule.phases.warmup and schedule.phases.decays


def test_a_constant_warmup_in_a_branch_keeps_the_lr_the_run_trains_at():
    schedule = only_schedule(
        """
        import torch
        optimizer = torch.optim.AdamW(p, lr=1e-5)
        WARMUP_STEPS = 100
        for step in range(1000):
            if step < WARMUP_STEPS:
                for g in optimizer.param_groups:
                    g["lr"] = 1e-5
            else:
                for g in optimizer.param_groups:
                    g["lr"] = 5e-4
            optimizer.step()
        """
    )
    assert [w.phase for w in schedule.writes] == [WritePhase.WARMUP, WritePhase.AFTER_WARMUP]
    assert schedule.base is not None and schedule.base.value == 1e-5
    assert schedule.target is not None and schedule.target.value == 5e-4 and schedule.target.text == "5e-4"
    assert schedule.warmup is not None and schedule.warmup.text == "WARMUP_STEPS"
    assert schedule.phases is not None and schedule.phases.jump == (100, 1e-5, 5e-4)


@pytest.mark.parametrize("test", ["step == warmup_steps", "step >= warmup_steps", "warmup_steps <= step"])
def test_a_write_at_or_after_the_warmup_end_is_the_target(test):
    schedule = only_schedule(
        f"""
        import torch
        warmup_steps = 50
        optimizer = torch.optim.AdamW(p, lr=1e-5)
        for step in range(500):
            if {test}:
                optimizer.param_groups[0]["lr"] = 3e-4
            optimizer.step()
        """
    )
    assert [w.phase for w in schedule.writes] == [WritePhase.AFTER_WARMUP]
    assert schedule.warmup_lr is not None and schedule.warmup_lr.value == 1e-5
    assert schedule.target is not None and schedule.target.value == 3e-4


def test_a_manual_expression_of_the_counter_is_the_curve():
    schedule = only_schedule(
        """
        import torch
        optimizer = torch.optim.Adam(p, lr=1e-3)
        warmup = 20
        for it in range(200):
            lr = 1e-3 * min(1.0, (it + 1) / warmup)
            for g in optimizer.param_groups:
                g["lr"] = lr
            optimizer.step()
        """
    )
    assert schedule.lr_at(9) == pytest.approx(5e-4)
    assert schedule.warmup is not None and schedule.warmup.text == "warmup"
    assert schedule.phases is not None and schedule.phases.warmup and schedule.phases.constant_tail


def test_an_unknown_length_is_an_expression_and_a_reason_not_a_guess():
    schedule = only_schedule(
        "import torch\nfrom torch.optim.lr_scheduler import CosineAnnealingLR\n"
        "optimizer = torch.optim.SGD(p, lr=0.1)\nscheduler = CosineAnnealingLR(optimizer, T_max=args.t)\n"
        "for batch in loader:\n    optimizer.step()\n    scheduler.step()\n"
    )
    assert schedule.total is not None and schedule.total.text == "len(loader)" and schedule.total.value is None
    assert schedule.curve is None and "does not resolve" in schedule.curve_unknown
    assert schedule.phases is None


FIXED_KEEPS = [
    ("wl002_finetune_warmup_then_peak", 5e-4, "WARMUP_STEPS"),
    ("wl002_jump_at_warmup_end", 5e-4, "WARMUP_STEPS"),
    ("wl002_jump_after_warmup", 0.1, "warmup_iters"),
    ("wl002_ternary_jump", 5e-4, "warmup_steps"),
    ("wl003_manual_ramp_own_length", 0.05, "warmup_iters"),
    ("wl003_lambda_min_ratio", 0.05, "warmup_steps"),
]


@pytest.mark.parametrize("case, peak, warmup", fast_share(FIXED_KEEPS, kind=lambda case: case[0][:5]))
def test_a_fix_keeps_the_peak_the_length_and_the_warmup_of_the_run(case, peak, warmup):
    source = (ROOT / "fixtures" / case / "train.py").read_text()
    before = schedule_of(model := model_of(source), model.optimizers[0])
    fixed = fix_source(source, config=ALL_FIXES)
    model = model_of(fixed)
    (optimizer,) = model.optimizers
    after = schedule_of(model, optimizer)
    assert after.target is not None and after.target.value == peak
    assert after.total is not None and before.total is not None and after.total.value == before.total.value
    assert after.warmup is not None and after.warmup.text == warmup
    assert before.warmup is not None and after.warmup.value == before.warmup.value
    assert after.phases is not None and after.phases.warmup and after.phases.decays
    assert after.phases.peak == pytest.approx(peak)


def test_a_target_not_defined_where_the_optimizer_is_built_is_refused_with_the_reason():
    source = dedent(
        """
        import torch
        optimizer = torch.optim.AdamW(p, lr=1e-5)
        WARMUP_STEPS, LEARNING_RATE = 25, 5e-4
        for step in range(250):
            if step == WARMUP_STEPS:
                for group in optimizer.param_groups:
                    group["lr"] = LEARNING_RATE
            optimizer.step()
        """
    )
    assert fix_source(source, config=ALL_FIXES) == source
    from warmlint.engine.lint import check_source

    [finding] = check_source(source, "train.py").diagnostics
    assert finding.code == "WL002" and not finding.fixable
    assert "`LEARNING_RATE` is not defined where AdamW is built" in finding.no_fix_reason


def test_the_inserted_warmup_length_is_the_w_policy_for_every_run_length():
    from warmlint.analysis.phases import warmup_steps_policy
    from warmlint.fixes.schedule_code import auto_warmup_expr

    for total in [*range(1, 50_000, 7), 40_009, 40_010, 40_011]:
        # What the fix writes where T is known, and where it is not (the cap is then always written).
        for known in (total, None):
            written = eval(auto_warmup_expr("total_steps", known), {"total_steps": total})
            assert warmup_steps_policy(total) == written, (total, known)
        assert written == 1 or written <= 0.2 * total
    assert "2000" not in auto_warmup_expr("total_steps", 40_000)
    assert "2000" in auto_warmup_expr("total_steps", 40_011)
