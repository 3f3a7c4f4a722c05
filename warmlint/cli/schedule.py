"""`warmlint schedule`: draw the schedule `warmlint fix` would insert, so W and T can be tuned before applying it."""

from __future__ import annotations

import math

import click

from warmlint.analysis.phases import warmup_steps_policy
from warmlint.cli.common import fail
from warmlint.config import DECAYS, Decay
from warmlint.fixes.inserted_schedule import multiplier
from warmlint.plot.png import find_phases, write_png
from warmlint.plot.terminal import Series, render_chart

# Steps sampled for the chart: several per column, so the steep warmup is drawn as a line.
CHART_POINTS = 600


def key_steps(total: int, warmup: int) -> list[int]:
    """The steps worth a table row: first, last warmup step, first decay step, middle, last."""
    return sorted({step for step in (0, warmup - 1, warmup, total // 2, total - 1) if 0 <= step < total})


def chart_steps(total: int, warmup: int) -> list[int]:
    count = min(total, CHART_POINTS)
    evenly = {round(index * (total - 1) / max(1, count - 1)) for index in range(count)}
    return sorted(evenly | set(key_steps(total, warmup)))


def describe(total: int, warmup: int, decay: Decay, min_lr_ratio: float, peak_lr: float) -> str:
    if warmup >= total:
        return f"warmup {warmup} steps covers all {total} steps of training, so the LR never decays"
    floor = f" to {min_lr_ratio:g} of the peak" if min_lr_ratio and decay is not Decay.STEP else ""
    return f"warmup {warmup} steps, then {decay.value} decay{floor} until step {total} (peak lr {peak_lr:g})"


def table(steps: list[int], factors: dict[int, float], peak_lr: float) -> list[str]:
    width = max(4, len(str(steps[-1])))
    lines = [f"{'step':>{width}}  {'multiplier':>12}  {'lr':>12}"]
    for step in steps:
        lines.append(f"{step:>{width}}  {factors[step]:>12.6g}  {factors[step] * peak_lr:>12.6g}")
    return lines


class OneLineErrors(click.Command):
    """A bad option is one line and exit 2, like every other warmlint error (not click's usage block)."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            fail(error.format_message())


@click.command("schedule", cls=OneLineErrors)
@click.option("--total-steps", type=click.IntRange(min=1), required=True, help="Training length T in optimizer steps.")
@click.option(
    "--warmup-steps", type=click.IntRange(min=1), help="Warmup length W (default: what `warmlint fix` picks for T)."
)
@click.option(
    "--decay",
    type=click.Choice(DECAYS),
    default=Decay.COSINE.value,
    show_default=True,
    callback=lambda _context, _option, name: Decay(name),
    help="Decay after the warmup.",
)
@click.option(
    "--min-lr-ratio",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="LR at the end of training as a fraction of the peak (cosine and linear decays).",
)
@click.option(
    "--lr",
    "peak_lr",
    type=click.FloatRange(0, min_open=True),
    default=1.0,
    show_default=True,
    help="Peak LR, to print absolute LRs (1: the multiplier).",
)
@click.option(
    "--plot", "plot_path", type=click.Path(dir_okay=False), help="Also write the chart as a PNG (needs matplotlib)."
)
def schedule(
    total_steps: int,
    warmup_steps: int | None,
    decay: Decay,
    min_lr_ratio: float,
    peak_lr: float,
    plot_path: str | None,
) -> None:
    """Draw the warmup-then-decay schedule `warmlint fix` inserts, for a given T (and W)."""
    if not math.isfinite(peak_lr):
        fail(f"--lr must be a finite number, got {peak_lr}")
    warmup = warmup_steps_policy(total_steps) if warmup_steps is None else warmup_steps
    factors = {
        step: multiplier(step, warmup, total_steps, decay, min_lr_ratio) for step in chart_steps(total_steps, warmup)
    }
    points = [(step, peak_lr * factor) for step, factor in factors.items()]
    series = Series(f"lr, {decay.value} decay", "*", points)
    click.echo(describe(total_steps, warmup, decay, min_lr_ratio, peak_lr))
    click.echo(render_chart([series]))
    click.echo()
    for line in table(key_steps(total_steps, warmup), factors, peak_lr):
        click.echo(line)
    if plot_path:
        title = f"warmup {warmup} steps, {decay.value} decay, {total_steps} steps"
        problem = write_png(plot_path, [series], find_phases(points), title)
        if problem:
            fail(problem)
        click.echo(f"wrote {plot_path}", err=True)
