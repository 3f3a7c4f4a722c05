"""What a finding about a schedule's length or pace hands to its fix (WL007, WL009-WL012): plain
facts, so that the fixes read the model's values and never a rule module."""

from __future__ import annotations

from dataclasses import dataclass

from warmlint.analysis.facts import CallSite
from warmlint.analysis.model import Scheduler
from warmlint.analysis.schedule_length import Horizon, Length
from warmlint.analysis.stepping import StepRelation
from warmlint.analysis.warmup_length import WarmupLength


@dataclass(frozen=True)
class ShortenWarmup:
    """The warmup as written, and the length it gets."""

    warmup: WarmupLength
    scheduler: Scheduler
    steps: int


@dataclass(frozen=True)
class SetHorizon:
    """The scheduler, its horizon as written, and the length it should have."""

    scheduler: Scheduler
    horizon: Horizon
    length: Length


@dataclass(frozen=True)
class MoveIntoGuard:
    """The scheduler.step() to move, and the guarded optimizer.step() it follows."""

    scheduler_step: CallSite
    optimizer_step: CallSite


@dataclass(frozen=True)
class UnitMismatch:
    """A warmup counted in `warmup.unit` whose scheduler is stepped per `stepped.unit` (WL007)."""

    scheduler: Scheduler
    warmup: WarmupLength
    stepped: StepRelation
