"""The fixtures whose `warmlint explain` text is kept as a snapshot in tests/explain_golden/.

One pitfall per rule family, clean files whose rules stay silent for a reason the model gives
(T unknown, not a training run, no scale evidence, a suppression), a notebook, a Lightning
module and Trainer configs. tests/regenerate_golden.py writes the snapshots; tests/test_explain.py
compares them.
"""

from __future__ import annotations

from pathlib import Path

from warmlint.explain.build import explain_path
from warmlint.explain.text import render_text
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "explain_golden"

# fixture folder -> the file in it that is explained
PITFALLS = {
    "wl001_literal_sgd": "train.py",
    "wl002_jump_at_warmup_end": "train.py",
    "wl003_linearlr_alone": "train.py",
    "wl004_adamw_steplr": "train.py",
    "wl005_same_iteration": "train.py",
    "wl006_onecycle_forgotten": "train.py",
    "wl007_steps_warmup_per_epoch": "train.py",
    "wl008_torch_save_dict": "train.py",
    "wl009_sequential_literal": "train.py",
    "wl010_tmax_epochs_per_batch": "train.py",
    "wl011_total_steps_literal": "train.py",
    "wl012_literal_accumulation": "train.py",
    "wl013_steplr_write_in_loop": "train.py",
    "wl014_trainer_kwargs": "train.py",
    "wl101_stale_noqa": "train.py",
}
OTHERS = {
    "clean_lambdalr_warmup_cosine": "train.py",  # T unknown: `len(train_loader)`
    "clean_optimizer_per_denoising_step": "train.py",  # not a training run
    "clean_adam_default": "train.py",  # no scale evidence for Adam
    "clean_noqa_still_needed": "train.py",  # a finding hidden by its suppression
    "wl001_notebook_sgd": "train.ipynb",  # a notebook
    "clean_lightning_dict_interval_step": "train.py",  # a Lightning module
    "wl001_trainer_args_constant": "train.py",  # a Hugging Face Trainer config
    "clean_trainer_args_cosine_warmup": "train.py",
}
CASES = {**PITFALLS, **OTHERS}


def explain_text(case: str) -> str:
    """The text `warmlint explain fixtures/<case>/<file>` prints, run from the repository root."""
    relative = Path("fixtures") / case / CASES[case]
    config = SettingsResolver(all_codes()).config_for(ROOT / relative)
    report = explain_path(ROOT / relative, config)
    return render_text(report).replace(str(ROOT) + "/", "") + "\n"


def golden_path(case: str) -> Path:
    return GOLDEN / f"{case}.txt"
