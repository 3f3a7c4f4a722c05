"""Child side: watch every optimizer step and scheduler call while the user's script runs.

Only the child process imports this module (it imports torch).
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from warmlint.verify.child.hints import ScriptHints, collect_hints


class StopVerify(BaseException):
    """Raised inside the script once enough steps are recorded.

    A BaseException so that the script's ``except Exception`` blocks let it through.
    """


# After this many swallowed stops the child writes its report and exits at once.
MAX_SWALLOWED_STOPS = 3


class Recorder:
    """Records the LR each optimizer step really uses and every scheduler.step() call."""

    def __init__(self, steps_limit: int, script_path: str, on_give_up: Callable[[], None]) -> None:
        self.steps_limit = steps_limit
        self.script_path = script_path
        self._on_give_up = on_give_up
        self.optimizers: list[Optimizer] = []
        self.optimizer_steps: list[int] = []
        self._optimizer_index: dict[int, int] = {}
        # Per optimizer (in the order they first step), the LRs of its param groups at each step.
        self.lr_history: list[list[list[float]]] = []
        self.device: str | None = None
        self.schedulers: list[Any] = []
        self._scheduler_index: dict[int, int] = {}
        # (scheduler index, steps its optimizer had taken when step() was called), in call order.
        self.scheduler_calls: list[tuple[int, int]] = []
        self.stopping = False
        self.swallowed_stops = 0
        self.hints: ScriptHints | None = None
        # Off while the projection copies and steps schedulers.
        self.capturing = True
        self._scheduler_depth = 0

    def install(self) -> None:
        register_optimizer_step_pre_hook(self._before_step)
        register_optimizer_step_post_hook(self._after_step)
        self._capture_new_schedulers(LRScheduler)
        if not issubclass(ReduceLROnPlateau, LRScheduler):
            self._capture_new_schedulers(ReduceLROnPlateau)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Ignore the schedulers the projection creates and steps."""
        self.capturing = False
        try:
            yield
        finally:
            self.capturing = True

    # -- optimizers ---------------------------------------------------------

    def optimizer_index(self, optimizer: object) -> int | None:
        return self._optimizer_index.get(id(optimizer))

    def _before_step(self, optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        if self.stopping:
            self._refuse_step()
        index = self._optimizer_index.get(id(optimizer))
        if index is None:
            index = len(self.optimizers)
            self._optimizer_index[id(optimizer)] = index
            self.optimizers.append(optimizer)
            self.optimizer_steps.append(0)
            self.lr_history.append([])
        self.optimizer_steps[index] += 1
        self.lr_history[index].append([_as_float(group["lr"]) for group in optimizer.param_groups])
        if self.device is None:
            self.device = _first_param_device(optimizer)

    def _after_step(self, optimizer: Optimizer, args: Any, kwargs: Any) -> None:
        if self.stopping or self._optimizer_index.get(id(optimizer)) != 0:
            return
        if self.optimizer_steps[0] >= self.steps_limit:
            self.stopping = True
            self.hints = collect_hints(sys._getframe(1), self.script_path)
            raise StopVerify

    def _refuse_step(self) -> None:
        """The script caught the stop and went on training: stop it again, or give up."""
        self.swallowed_stops += 1
        if self.swallowed_stops >= MAX_SWALLOWED_STOPS:
            self._on_give_up()
        raise StopVerify

    # -- schedulers ---------------------------------------------------------

    def _capture_new_schedulers(self, base: type) -> None:
        """Patch ``__new__`` (not ``__init__``, which SequentialLR and friends skip)."""
        original_new = base.__dict__.get("__new__")
        recorder = self

        def new(cls: type, *args: Any, **kwargs: Any) -> Any:
            instance = original_new(cls, *args, **kwargs) if original_new else object.__new__(cls)
            if recorder.capturing:
                recorder._scheduler_index[id(instance)] = len(recorder.schedulers)
                recorder.schedulers.append(instance)
                recorder._wrap_step_methods(cls)
            return instance

        # Patching __new__ of a class found at run time: typeshed types it as a fixed (overloaded) method.
        base.__new__ = staticmethod(new)  # type: ignore[assignment]

    def _wrap_step_methods(self, cls: type) -> None:
        """Wrap every ``step`` in the class's MRO once, so overrides are seen too."""
        for klass in cls.__mro__:
            step = klass.__dict__.get("step")
            if step is not None and not getattr(step, "_warmlint_wrapped", False):
                # `klass` is any class in a scheduler's MRO, seen only at run time: `type` declares no `step`.
                klass.step = self._recording_step(step)  # type: ignore[attr-defined]

    def _recording_step(self, step: Callable[..., Any]) -> Callable[..., Any]:
        recorder = self

        @functools.wraps(step)
        def recording_step(scheduler: Any, *args: Any, **kwargs: Any) -> Any:
            if (
                recorder._scheduler_depth == 0
                and recorder.capturing
                and not _called_by_own_constructor(scheduler, sys._getframe(1))
            ):
                recorder._record_scheduler_call(scheduler)
            recorder._scheduler_depth += 1
            try:
                return step(scheduler, *args, **kwargs)
            finally:
                recorder._scheduler_depth -= 1

        recording_step._warmlint_wrapped = True  # type: ignore[attr-defined]
        return recording_step

    def _record_scheduler_call(self, scheduler: Any) -> None:
        index = self._scheduler_index.get(id(scheduler))
        if index is None:
            return
        optimizer_index = self._optimizer_index.get(id(getattr(scheduler, "optimizer", None)))
        steps_done = 0 if optimizer_index is None else self.optimizer_steps[optimizer_index]
        self.scheduler_calls.append((index, steps_done))


def _called_by_own_constructor(scheduler: Any, caller: FrameType | None) -> bool:
    """True for the initial step a scheduler (or its SequentialLR parent) takes while being built."""
    if caller is None or caller.f_code.co_name not in ("_initial_step", "__init__"):
        return False
    return caller.f_locals.get("self") is scheduler


def _as_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _first_param_device(optimizer: Optimizer) -> str | None:
    for group in optimizer.param_groups:
        for param in group["params"]:
            return str(param.device)
    return None
