"""What `warmlint explain` reports, as plain data: the text and JSON renderers read only this.

The field names are the JSON shape (`docs/explain.md`); a change to them is a change to that shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

REPORT_VERSION = 1


@dataclass(frozen=True)
class Place:
    """A line of the file (1-based), in a notebook the line of its cell."""

    line: int
    cell: int | None = None

    def where(self, path: str) -> str:
        """`train.py:12`, or `nb.ipynb:cell 3:4`, as `check` names a place."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{path}:{cell}{self.line}"

    def __str__(self) -> str:
        """`line 12`, or `cell 3 line 4`: a place in the file the report is about."""
        return f"cell {self.cell} line {self.line}" if self.cell is not None else f"line {self.line}"


@dataclass(frozen=True)
class Expression:
    """A value as the script writes it, where, and its number when it resolves."""

    code: str
    value: float | None
    place: Place | None
    source: str = ""  # where a resolved part came from: "--lr default"


@dataclass(frozen=True)
class Setter:
    """One thing that sets the LR over time: a scheduler, a param-group write or a helper call."""

    kind: str  # "scheduler", "param-group write", "helper call"
    label: str
    place: Place | None
    unit: str  # "optimizer step", "epoch" or "unknown"
    cadence: str  # how and where it is stepped, in words
    steps: tuple[Place, ...] = ()  # its step() calls


@dataclass(frozen=True)
class Band:
    """A phase of the curve: the same names as the bands `verify --plot` shades."""

    name: str  # "warmup", "at peak", "decay"
    first_step: int  # 1-based, as `verify` counts steps
    last_step: int


@dataclass(frozen=True)
class Curve:
    """The LR at 1-based optimizer steps over the run (sampled), and its phases."""

    points: tuple[tuple[int, float], ...]
    whole_run: bool  # False: T is unknown and only the first steps are drawn
    summary: str  # in `verify`'s words: "starts at 0, peak 0.001 at step 100, ..."
    bands: tuple[Band, ...]
    warmup: bool
    decays: bool
    constant_tail: bool
    jump_at: int | None  # 1-based step of a jump to the peak
    restart_at: int | None  # 1-based step where the LR climbs back up


@dataclass(frozen=True)
class OptimizerReport:
    name: str
    family: str
    place: Place | None
    lifetime: str
    training_run: bool
    base_lr: Expression | None
    peak_lr: Expression | None
    peak_from: str  # "the optimizer's lr", "a param-group write", "the schedule"
    setters: tuple[Setter, ...]
    unit: str
    total: Expression | None  # T, in optimizer steps
    total_unknown: str
    warmup: Expression | None  # W
    warmup_unit: str
    curve: Curve | None
    curve_unknown: str
    escapes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainerConfigReport:
    """A Hugging Face Trainer config the file builds: the schedule the Trainer will run."""

    place: Place | None
    learning_rate: Expression | None
    schedule: str | None  # lr_scheduler_type
    warmup: str  # "warmup_ratio=0.03", "" when none is set
    from_defaults: bool


@dataclass(frozen=True)
class Finding:
    place: Place
    message: str


class RuleStatus(str, Enum):
    """What a rule did with the file; the JSON carries the value."""

    FOUND = "found"
    SILENT = "silent"
    # It would have fired, but a `noqa` comment or the config drops the finding.
    SUPPRESSED = "suppressed"
    NOT_SELECTED = "not selected"


@dataclass(frozen=True)
class RuleLine:
    code: str
    name: str
    status: RuleStatus
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why it is silent


@dataclass(frozen=True)
class Report:
    path: str
    optimizers: tuple[OptimizerReport, ...]
    trainer_configs: tuple[TrainerConfigReport, ...]
    rules: tuple[RuleLine, ...]
    version: int = field(default=REPORT_VERSION)
