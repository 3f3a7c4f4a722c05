"""The fixed configs, loaded by the library that reads them, give a schedule that warms up and decays.

DeepSpeed's scheduler classes and `transformers.get_scheduler` run on CPU: each fixed fixture's
schedule (a DeepSpeed dict in a fixed script included) is built from the file's own values (an
`"auto"` value gets what the HF integration would fill in) and stepped over the run; the LR must
start low, reach its peak and end at most half of it.
Skipped where deepspeed or transformers is not installed (neither is a dependency of warmlint).
"""

from __future__ import annotations

import math

import libcst as cst
import pytest
from config_pairs import fixed_config_files
from conftest import FIXTURES

from warmlint.analysis.collect import collect
from warmlint.analysis.deepspeed_dicts import deepspeed_schedules
from warmlint.analysis.model import Model
from warmlint.configs.check import decode, read
from warmlint.configs.facts import ConfigSchedule, Form, schedules
from warmlint.configs.tree import Scalar

pytestmark = pytest.mark.slow

FIXED = fixed_config_files()
RUN = 1000  # the run's optimizer steps where the file leaves them to the Trainer
PEAK = 1e-3


def fixed_schedules(form: Form) -> list[tuple[str, ConfigSchedule]]:
    found = []
    for path in FIXED:
        for schedule in schedules(read(decode(path.read_bytes(), str(path)))):
            if schedule.form is form:
                found.append((str(path.relative_to(FIXTURES)), schedule))
    return found


def run_length(schedule: ConfigSchedule) -> int:
    run = schedule.run_length
    return int(run.number) if run is not None and run.number is not None else RUN


def assert_warms_up_and_decays(lrs: list[float]) -> None:
    peak = max(lrs)
    assert lrs[0] <= 0.5 * peak, lrs[:5]
    assert lrs.index(peak) >= 1, "no warmup"
    assert lrs[-1] <= 0.5 * peak, f"no decay: ends at {lrs[-1]} of peak {peak}"


def trace(optimizer, scheduler, steps: int) -> list[float]:
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def optimizer():
    import torch

    return torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=PEAK)


def fixed_script_schedules() -> list[tuple[str, ConfigSchedule]]:
    """The DeepSpeed dicts of the fixed scripts, as warmlint reads them (values resolved)."""
    found = []
    for path in sorted(FIXTURES.glob("*/train.fixed.py")):
        raw, imports = collect(cst.parse_module(path.read_bytes()))
        for item in deepspeed_schedules(Model(raw, imports)):
            found.append((str(path.relative_to(FIXTURES)), item.schedule))
    return found


DEEPSPEED = fixed_schedules(Form.DEEPSPEED) + fixed_script_schedules()


@pytest.mark.parametrize(("name", "schedule"), DEEPSPEED, ids=[name for name, _ in DEEPSPEED])
def test_a_fixed_deepspeed_schedule_warms_up_and_decays(name, schedule):
    lr_schedules = pytest.importorskip("deepspeed.runtime.lr_schedules")
    steps = run_length(schedule)
    auto = {  # what transformers' HF DeepSpeed integration fills in
        "total_num_steps": steps,
        "warmup_num_steps": math.ceil(0.05 * steps),
        "warmup_max_lr": PEAK,
        "warmup_min_lr": 0.0,
    }
    params = {}
    for key, entry in schedule.holder.entries.items():
        assert isinstance(entry.value, Scalar), key
        params[key] = auto[key] if entry.value.value == "auto" else entry.value.value
    cls = getattr(lr_schedules, schedule.name or "")
    opt = optimizer()
    assert_warms_up_and_decays(trace(opt, cls(opt, **params), steps))


RECIPES = fixed_schedules(Form.RECIPE)


@pytest.mark.parametrize(("name", "schedule"), RECIPES, ids=[name for name, _ in RECIPES])
def test_a_fixed_recipe_schedule_warms_up_and_decays(name, schedule):
    transformers = pytest.importorskip("transformers")
    steps = run_length(schedule)
    ratio, warmup = schedule.warmup_ratio, schedule.warmup_steps
    if warmup is not None and warmup.number:
        warmup_steps = int(warmup.number)
    else:
        warmup_steps = math.ceil((ratio.number or 0.0) * steps) if ratio is not None else 0
    opt = optimizer()
    scheduler = transformers.get_scheduler(schedule.name, opt, num_warmup_steps=warmup_steps, num_training_steps=steps)
    assert_warms_up_and_decays(trace(opt, scheduler, steps))


def test_there_are_fixed_configs_of_both_libraries():
    assert len(DEEPSPEED) >= 3 and len(RECIPES) >= 4
    assert any(name.endswith(".py") for name, _ in DEEPSPEED)  # a dict in a fixed script
