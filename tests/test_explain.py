"""`warmlint explain`: the text snapshots, the JSON shape, the reasons rules stay silent, bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from explain_cases import CASES, PITFALLS, ROOT, explain_text, golden_path

from warmlint.cli import main
from warmlint.config import Config
from warmlint.explain.build import explain_source
from warmlint.explain.data import to_data
from warmlint.plot.png import MATPLOTLIB_MISSING
from warmlint.rule_index import all_codes


def report_of(case: str):
    path = ROOT / "fixtures" / case / CASES[case]
    return explain_source(path.read_bytes(), str(path), Config())


def rule(report, code: str):
    return next(line for line in report.rules if line.code == code)


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_matches_its_snapshot(case):
    """After a deliberate change: `python tests/regenerate_golden.py`, then review the diff."""
    assert explain_text(case) == golden_path(case).read_text(encoding="utf-8")


def test_every_rule_family_has_a_snapshot():
    families = {f"WL{case[2:5]}" for case in PITFALLS}
    assert families >= {f"WL{n:03d}" for n in range(1, 15)}


@pytest.mark.parametrize("case", sorted(PITFALLS))
def test_the_pitfall_of_each_snapshot_is_found(case):
    line = rule(report_of(case), f"WL{case[2:5]}")
    assert line.status == "found" and line.findings and not line.reason


@pytest.mark.parametrize(
    "case, code, reason",
    [
        (
            "clean_lambdalr_warmup_cosine",
            "WL009",
            "LambdaLR (line 30): T unknown: `epochs * len(train_loader)` does not resolve",
        ),
        ("clean_optimizer_per_denoising_step", "WL001", "not a training run: built inside the loop that steps it"),
        ("clean_adam_default", "WL001", "no scale evidence for Adam at 0.001"),
        ("wl001_literal_sgd", "WL005", "no scheduler in the file"),
        ("wl004_adamw_steplr", "WL001", "its LR is set over time (StepLR)"),
        ("wl001_trainer_args_constant", "WL013", "no optimizer of a training run has both"),
    ],
)
def test_a_silent_rule_says_why(case, code, reason):
    line = rule(report_of(case), code)
    assert line.status == "silent" and reason in line.reason


def test_a_suppressed_finding_is_not_called_silence():
    line = rule(report_of("clean_noqa_still_needed"), "WL001")
    assert line.status == "suppressed" and not line.findings


def test_a_deselected_rule_says_so():
    path = ROOT / "fixtures" / "wl001_literal_sgd" / "train.py"
    report = explain_source(path.read_bytes(), str(path), Config(ignore=("WL001",)))
    assert rule(report, "WL001").status == "not selected"


def test_the_schedule_facts_come_from_the_model():
    report = report_of("wl009_sequential_literal")
    (optimizer,) = report.optimizers
    assert optimizer.total is not None and optimizer.total.value == 200
    assert optimizer.warmup is not None and optimizer.warmup.code == "500"
    assert [s.label for s in optimizer.setters] == ["SequentialLR"] and optimizer.unit == "optimizer step"
    curve = optimizer.curve
    assert curve is not None and curve.whole_run and [b.name for b in curve.bands] == ["warmup"]
    steps = [step for step, _ in curve.points]
    assert steps[0] == 1 and steps[-1] == 200 and steps == sorted(steps)


def test_a_notebook_names_cells():
    report = report_of("wl001_notebook_sgd")
    (optimizer,) = report.optimizers
    assert optimizer.place is not None and optimizer.place.cell is not None
    assert all(f.place.cell is not None for f in rule(report, "WL001").findings)


TOP_KEYS = {"path", "optimizers", "trainer_configs", "rules", "version"}
OPTIMIZER_KEYS = {
    "name", "family", "place", "lifetime", "training_run", "base_lr", "peak_lr", "peak_from", "setters",
    "unit", "total", "total_unknown", "warmup", "warmup_unit", "curve", "curve_unknown", "escapes",
}  # fmt: skip
CURVE_KEYS = {"points", "whole_run", "summary", "bands", "warmup", "decays", "constant_tail", "jump_at", "restart_at"}


def test_json_has_the_documented_shape():
    path = ROOT / "fixtures" / "wl002_jump_at_warmup_end" / "train.py"
    result = CliRunner().invoke(main, ["explain", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == TOP_KEYS and data["version"] == 1
    (optimizer,) = data["optimizers"]
    assert set(optimizer) == OPTIMIZER_KEYS and set(optimizer["curve"]) == CURVE_KEYS
    assert set(optimizer["peak_lr"]) == {"code", "value", "place", "source"}
    assert optimizer["curve"]["jump_at"] == 26
    assert all(isinstance(s, int) and isinstance(lr, float) for s, lr in optimizer["curve"]["points"])
    assert [r["code"] for r in data["rules"]] == all_codes()
    assert {r["status"] for r in data["rules"]} <= {"found", "silent", "suppressed", "not selected"}
    assert data == to_data(report_of("wl002_jump_at_warmup_end")) | {"path": str(path)}


def test_the_text_prints_what_the_json_holds():
    report = report_of("clean_lambdalr_warmup_cosine")
    text = CliRunner().invoke(main, ["explain", report.path]).output
    for line in report.rules:
        assert line.reason in text
    assert report.optimizers[0].total is not None and f"`{report.optimizers[0].total.code}`" in text


@pytest.mark.parametrize(
    "name, content, why",
    [
        ("broken.py", b"def f(:\n", "cannot parse"),
        ("latin.py", b"\xff\xfe\x00x = 1\n", "cannot parse"),
        ("bad.ipynb", b"not json", "not a readable notebook"),
        ("old.ipynb", b'{"cells": 3}', "not a readable notebook"),
        ("train.yaml", b"lr: 0.1\n", "explain reads Python files and notebooks"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, content, why):
    target = tmp_path / name
    target.write_bytes(content)
    result = CliRunner().invoke(main, ["explain", str(target)])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"warmlint: error: {target}") and why in line and "Traceback" not in result.output


@pytest.mark.parametrize("arguments", [["missing.py"], ["."], ["--format", "xml", "x.py"], []])
def test_usage_errors_exit_2(tmp_path, monkeypatch, arguments):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["explain", *arguments])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


def test_plot_without_matplotlib_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr("warmlint.cli.explain.matplotlib_available", lambda: False)
    path = ROOT / "fixtures" / "wl009_sequential_literal" / "train.py"
    result = CliRunner().invoke(main, ["explain", "--plot", str(tmp_path / "lr.png"), str(path)])
    assert result.exit_code == 2 and result.stderr.strip() == f"warmlint: error: {MATPLOTLIB_MISSING}"
    assert not (tmp_path / "lr.png").exists()


@pytest.mark.slow  # draws with matplotlib
def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = ROOT / "fixtures" / "wl009_sequential_literal" / "train.py"
    result = CliRunner().invoke(main, ["explain", "--plot", str(tmp_path / "lr.png"), str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
