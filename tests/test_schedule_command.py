"""`warmlint schedule`: the numbers it prints are the inserted schedule's `multiplier`, which the fixer writes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from warmlint.analysis.phases import warmup_steps_policy
from warmlint.config import Decay
from warmlint.fixes.inserted_schedule import multiplier

ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)$")


def table(output: str) -> dict[int, tuple[float, float]]:
    """step -> (multiplier, lr) from the table under the chart."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == ["step", "multiplier", "lr"])
    rows = [ROW.match(line) for line in lines[header + 1 :]]
    return {int(m[1]): (float(m[2]), float(m[3])) for m in rows if m}


@pytest.mark.parametrize(
    "options, warmup, total, decay, ratio, lr",
    [
        (["--total-steps", "1000"], 50, 1000, "cosine", 0.0, 1.0),
        (["--total-steps", "1000", "--warmup-steps", "100", "--lr", "0.1"], 100, 1000, "cosine", 0.0, 0.1),
        (
            ["--total-steps", "800", "--decay", "linear", "--min-lr-ratio", "0.1", "--lr", "3e-4"],
            40,
            800,
            "linear",
            0.1,
            3e-4,
        ),
        (["--total-steps", "90000", "--decay", "step", "--lr", "0.5"], 2000, 90000, "step", 0.0, 0.5),
    ],
)
def test_printed_numbers_are_the_multiplier_times_lr(cli, options, warmup, total, decay, ratio, lr):
    result = cli("schedule", *options)
    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    assert sorted(rows) == sorted({0, warmup - 1, warmup, total // 2, total - 1})
    for step, (factor, printed_lr) in rows.items():
        expected = multiplier(step, warmup, total, Decay(decay), ratio)
        assert factor == pytest.approx(expected, rel=1e-5)
        assert printed_lr == pytest.approx(expected * lr, rel=1e-5)
    assert f"warmup {warmup} steps" in result.stdout


@pytest.mark.parametrize("total", [1000, 20_000, 39_999, 40_000, 1_000_000])
def test_warmup_defaults_to_five_percent_capped_at_2000(cli, total):
    assert warmup_steps_policy(total) == min(round(0.05 * total), 2000)
    rows = table(cli("schedule", "--total-steps", str(total)).stdout)
    warmup = warmup_steps_policy(total)
    assert rows[warmup][0] == 1.0  # the peak: the first step after the warmup
    assert rows[warmup - 1][0] == pytest.approx(warmup / (warmup + 1), rel=1e-5)


@pytest.mark.parametrize("total", [1, 4, 5, 10, 50, 199, 10_000])
def test_warmup_ends_well_before_a_short_run_does(total):
    warmup = warmup_steps_policy(total)
    assert warmup == 1 or warmup <= 0.2 * total
    assert multiplier(total - 1, warmup, total) < 1.0  # the run decays before it ends


def test_default_warmup_is_what_the_fixer_uses(cli):
    for total in (5, 100, 250, 1000):
        result = cli("schedule", "--total-steps", str(total))
        assert f"warmup {warmup_steps_policy(total)} steps" in result.stdout


def test_chart_has_labelled_axes(cli):
    result = cli("schedule", "--total-steps", "1000", "--lr", "0.1")
    lines = result.stdout.splitlines()
    chart = [line for line in lines if "|" in line]
    assert len(chart) == 12
    assert chart[0].lstrip().startswith("0.1 |")  # the peak LR labels the top of the axis
    assert "*" in "".join(chart)
    assert any(line.split() == ["step", "0", "999"] for line in lines)


def test_warmup_as_long_as_training_never_decays(cli):
    result = cli("schedule", "--total-steps", "8", "--warmup-steps", "8")
    assert result.exit_code == 0
    assert "never decays" in result.stdout
    assert sorted(table(result.stdout)) == [0, 4, 7]


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--total-steps", "0"],
        ["--total-steps", "ten"],
        ["--total-steps", "100", "--warmup-steps", "0"],
        ["--total-steps", "100", "--decay", "exponential"],
        ["--total-steps", "100", "--min-lr-ratio", "1"],
        ["--total-steps", "100", "--lr", "0"],
        ["--total-steps", "100", "--lr", "nan"],
        ["--total-steps", "100", "--no-such-option"],
    ],
)
def test_bad_options_exit_2_with_one_line(cli, options):
    result = cli("schedule", *options)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("warmlint: error: ")


@pytest.mark.slow  # draws with matplotlib
def test_plot_writes_a_png_or_says_why_not(cli, tmp_path):
    out = tmp_path / "schedule.png"
    result = cli("schedule", "--total-steps", "500", "--plot", str(out))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert "matplotlib" in line and "pip install" in line
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.stderr
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow  # a fresh interpreter
def test_command_does_not_import_torch():
    code = "import sys, warmlint.cli.schedule; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
