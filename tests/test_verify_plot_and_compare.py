"""The verify PNG, ``--plot`` without matplotlib, and both verdicts of ``--compare`` (no child runs here)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from warmlint.cli.verify import verify_command
from warmlint.plot.png import MATPLOTLIB_MISSING, Phase, Verdict, find_phases
from warmlint.plot.terminal import Series
from warmlint.verify.checks import run_checks
from warmlint.verify.compare import Comparison
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending, OptimizerRecord, RunRecord
from warmlint.verify.render import plot_verdict, render_compare_text
from warmlint.verify.result import EXIT_FAILED, EXIT_PASSED, VerifyResult

DOCS = Path(__file__).resolve().parent.parent / "docs"


def warmup_cosine(total: int, warmup: int, peak: float) -> list[tuple[int, float]]:
    def lr(step: int) -> float:
        if step <= warmup:
            return peak * step / warmup
        return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / total))

    return [(step, lr(step)) for step in range(1, total + 1)]


def result_of(lrs: list[float], script: str = "train.py") -> VerifyResult:
    record = RunRecord(
        optimizers=(OptimizerRecord("SGD", len(lrs), tuple((lr,) for lr in lrs)),),
        primary=0,
        projected=(),
        total_steps=len(lrs),
        total_steps_source=None,
        schedulers=(),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.COMPLETED),
    )
    checks = tuple(run_checks(record))
    exit_code = EXIT_FAILED if any(c.failed for c in checks) else EXIT_PASSED
    return VerifyResult(script=script, exit_code=exit_code, checks=checks, run=record)


PASSING = result_of([lr for _, lr in warmup_cosine(40, 5, 0.1)])
FAILING = result_of([0.1] * 40)


# -- phases -------------------------------------------------------------------------------


def assert_touching(phases: list[Phase]) -> None:
    for left, right in zip(phases, phases[1:]):
        assert left.end == right.start, phases


def test_warmup_and_decay_bands_touch():
    phases = find_phases(warmup_cosine(400, 20, 3e-3))
    assert [p.label for p in phases] == ["warmup", "decay"]
    assert_touching(phases)
    assert phases[0].start == 1 and phases[-1].end == 400


def test_a_hold_at_the_peak_gets_its_own_band_between_the_others():
    points = [(s, s / 10) for s in range(1, 11)] + [(s, 1.0) for s in range(11, 101)]
    points += [(s, 1.0 - (s - 100) / 200) for s in range(101, 301)]
    phases = find_phases(points)
    assert [(p.label, p.start, p.end) for p in phases] == [("warmup", 1, 10), ("at peak", 10, 100), ("decay", 100, 300)]


def test_a_restart_a_rounding_error_above_step_one_is_no_warmup():
    cycle = [(s, 0.05 * 0.5 * (1 + math.cos(math.pi * (s % 10) / 10))) for s in range(40)]
    points = [(s + 1, lr) for s, lr in cycle] + [(41, 0.05 + 1e-12)]
    assert [p.label for p in find_phases(points)] == ["decay"]


def test_a_constant_lr_has_no_bands():
    assert find_phases([(s, 0.2) for s in range(1, 401)]) == []


# -- the figure ---------------------------------------------------------------------------


@pytest.fixture()
def draw():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from warmlint.plot.png import draw_chart

    figures = []

    def make(*args, **kwargs):
        figure = draw_chart(*args, **kwargs)
        figure.canvas.draw()
        figures.append(figure)
        return figure

    yield make
    for figure in figures:
        plt.close(figure)


def constant_series() -> list[Series]:
    return [
        Series("observed", "*", [(s, 0.2) for s in range(1, 51)]),
        Series("projected", ".", [(s, 0.2) for s in range(51, 401)], projected=True),
    ]


def test_the_y_axis_starts_at_zero_so_a_constant_lr_looks_constant(draw):
    axes = draw(constant_series(), [], "train.py").axes[0]
    low, high = axes.get_ylim()
    assert low == 0 and 0.2 < high < 0.25


def test_the_observed_curve_is_drawn_over_the_projection(draw):
    axes = draw(constant_series(), [], "train.py").axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert lines["observed"].get_zorder() > lines["projected"].get_zorder()


def test_the_legend_sits_outside_the_data(draw):
    figure = draw(constant_series(), find_phases(warmup_cosine(400, 20, 3e-3)), "train.py")
    axes = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    legend, frame = axes.get_legend().get_window_extent(renderer), axes.get_window_extent(renderer)
    assert legend.x0 >= frame.x1


def test_the_title_carries_the_verdict_and_the_failing_checks(draw):
    figure = draw(constant_series(), [], "train.py", [plot_verdict(FAILING)])
    axes = figure.axes[0]
    assert figure.get_suptitle() == "train.py"
    assert axes.get_title() == "FAIL: warmup, decay"
    passing = draw(constant_series(), [], "train.py", [plot_verdict(PASSING)])
    assert passing.axes[0].get_title() == "PASS"


def test_a_comparison_puts_both_verdicts_in_the_title(draw):
    figure = draw(constant_series(), [], "t", [Verdict("before: FAIL: warmup", True), Verdict("after: PASS", False)])
    axes = figure.axes[0]
    assert axes.get_title(loc="left") == "before: FAIL: warmup" and axes.get_title(loc="right") == "after: PASS"


@pytest.mark.parametrize("name", ["verify-pass.png", "verify-fail.png"])
def test_the_documented_pngs_stay_small(name):
    assert (DOCS / name).stat().st_size < 100_000


# -- --plot without matplotlib ---------------------------------------------------------------


def test_plot_without_matplotlib_fails_before_running_the_script(monkeypatch, tmp_path):
    ran = tmp_path / "ran"
    script = tmp_path / "train.py"
    script.write_text(f"open({str(ran)!r}, 'w').close()\n")
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "matplotlib" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = CliRunner().invoke(verify_command, [str(script), "--plot", str(tmp_path / "lr.png")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"warmlint verify: error: {MATPLOTLIB_MISSING}"
    assert "pip install 'warmlint[plot]'" in result.stderr and not result.stdout
    assert not ran.exists() and not (tmp_path / "lr.png").exists()


# -- --compare --------------------------------------------------------------------------------


def fake_compare(monkeypatch, before: VerifyResult, after: VerifyResult) -> list[bool]:
    """Stands in for the two runs; returns the `unsafe_fixes` of each call, as the CLI passed it."""
    calls: list[bool] = []

    def compare(script, args, options, unsafe_fixes):
        calls.append(unsafe_fixes)
        return Comparison(before, after, True, ("WL002", "WL005") if unsafe_fixes else ("WL001",), unsafe_fixes)

    monkeypatch.setattr("warmlint.cli.verify.compare", compare)
    return calls


def said(result: VerifyResult) -> str:
    return "FAILED: warmup, decay" if result is FAILING else "passed"


@pytest.mark.parametrize(("before", "after"), [(FAILING, PASSING), (PASSING, FAILING)])
def test_compare_exits_by_the_fixed_run_and_prints_both_verdicts(monkeypatch, before, after):
    fake_compare(monkeypatch, before, after)
    result = CliRunner().invoke(verify_command, ["train.py", "--compare", "--quiet"])
    assert result.exit_code == after.exit_code
    lines = result.stdout.splitlines()
    assert f"train.py (as it is): {said(before)}" in lines
    assert f"train.py (as warmlint fix would change it): {said(after)}" in lines
    assert lines[-1] == (
        f"train.py: before warmlint fix: {said(before)}; after: {said(after)} (the exit status is the fixed run's)"
    )


def test_compare_json_records_both_verdicts(monkeypatch):
    fake_compare(monkeypatch, FAILING, PASSING)
    result = CliRunner().invoke(verify_command, ["train.py", "--compare", "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code == data["exit_code"] == 0
    assert data["before"]["passed"] is False and data["before"]["exit_code"] == 1
    assert data["after"]["passed"] is True and data["after"]["exit_code"] == 0
    failed = {c["name"] for c in data["before"]["checks"] if c["status"] == "fail"}
    assert failed == {"warmup", "decay"}


@pytest.mark.parametrize("flags", [["--unsafe-fixes"], ["--compare", "--unsafe-fixes"]])
def test_unsafe_fixes_compare_with_the_unsafely_fixed_run_and_name_its_fixes(monkeypatch, flags):
    calls = fake_compare(monkeypatch, FAILING, PASSING)
    result = CliRunner().invoke(verify_command, ["train.py", *flags, "--quiet"])
    assert calls == [True] and result.exit_code == PASSING.exit_code
    assert "the run after has the fixes `warmlint fix --unsafe-fixes` makes: WL002, WL005" in result.stdout
    data = json.loads(CliRunner().invoke(verify_command, ["train.py", *flags, "--format", "json"]).stdout)
    assert data["unsafe_fixes"] is True and data["fixes_applied"] == ["WL002", "WL005"]


def test_compare_without_unsafe_fixes_runs_the_safe_fix(monkeypatch):
    calls = fake_compare(monkeypatch, FAILING, PASSING)
    result = CliRunner().invoke(verify_command, ["train.py", "--compare", "--quiet"])
    assert calls == [False]
    assert "the run after has the fixes `warmlint fix` makes: WL001" in result.stdout


def test_compare_text_names_each_run_in_its_verdict():
    text = render_compare_text(FAILING, PASSING)
    assert "train.py (as it is): FAILED: warmup, decay" in text.splitlines()
    assert "train.py (as warmlint fix would change it): passed" in text.splitlines()
