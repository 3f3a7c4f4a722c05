"""Child side: read run-length variables (total steps, epochs, loader length) from the script's frames.

The projection needs to know how long the run is; the script itself usually says so in a
variable such as ``total_steps``, ``max_iters`` or ``args.epochs``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import types
from dataclasses import dataclass, field
from types import FrameType

# Names, in order of preference, that hold the number of optimizer steps of the whole run.
TOTAL_STEP_NAMES = (
    "total_steps",
    "num_training_steps",
    "total_training_steps",
    "num_train_steps",
    "max_train_steps",
    "training_steps",
    "train_steps",
    "max_steps",
    "max_iters",
    "max_iter",
    "total_iters",
    "total_iterations",
    "num_iters",
    "num_iterations",
    "num_steps",
    "n_steps",
    "n_iters",
    "iterations",
    "steps",
)
EPOCH_NAMES = ("epochs", "num_epochs", "num_train_epochs", "n_epochs", "max_epochs", "total_epochs")
_MAX_CONTAINER_ITEMS = 500


@dataclass(frozen=True)
class Hint:
    label: str
    value: int
    where: str

    def describe(self) -> str:
        return f"{self.label} = {self.value} in {self.where}"


@dataclass
class ScriptHints:
    totals: list[Hint] = field(default_factory=list)
    epochs: list[Hint] = field(default_factory=list)
    batches_per_epoch: Hint | None = None


def collect_hints(frame: FrameType | None, script_path: str) -> ScriptHints:
    """Scan the script's frames on the stack, innermost first (a function's locals beat globals)."""
    hints = ScriptHints()
    script_dir = os.path.dirname(os.path.abspath(script_path))
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if _belongs_to_script(filename, script_dir):
            _scan_namespace(frame.f_locals, os.path.basename(filename), hints)
        frame = frame.f_back
    return hints


def _belongs_to_script(filename: str, script_dir: str) -> bool:
    return os.path.dirname(filename) == script_dir


def _scan_namespace(namespace: dict[str, object], where: str, hints: ScriptHints) -> None:
    for name, value in list(namespace.items()):
        _consider(name, name, value, where, hints)
        for label, key, item in _container_items(name, value):
            _consider(label, key, item, where, hints)


def _container_items(name: str, value: object) -> list[tuple[str, str, object]]:
    """One level into config objects: argparse namespaces, dataclasses, plain dicts."""
    if isinstance(value, dict) and len(value) <= _MAX_CONTAINER_ITEMS:
        return [(f"{name}[{key!r}]", key, item) for key, item in value.items() if isinstance(key, str)]
    if isinstance(value, (argparse.Namespace, types.SimpleNamespace)) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        return [(f"{name}.{key}", key, item) for key, item in vars(value).items()]
    return []


def _consider(label: str, name: str, value: object, where: str, hints: ScriptHints) -> None:
    key = name.lower().lstrip("_")
    if key in TOTAL_STEP_NAMES or key in EPOCH_NAMES:
        count = _positive_int(value)
        if count is not None:
            target = hints.totals if key in TOTAL_STEP_NAMES else hints.epochs
            target.append(Hint(label, count, where))
            target.sort(key=lambda hint: _name_rank(hint.label))
    elif hints.batches_per_epoch is None and _is_data_loader(value):
        try:
            hints.batches_per_epoch = Hint(f"len({label})", len(value), where)  # type: ignore[arg-type]
        except TypeError:
            pass


def _name_rank(label: str) -> int:
    """Stable order: earlier names in the preference lists win; the scan order breaks ties."""
    key = label.split(".")[-1].split("[")[-1].strip("'\"]").lower().lstrip("_")
    names = TOTAL_STEP_NAMES + EPOCH_NAMES
    return names.index(key) if key in names else len(names)


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    return None


def _is_data_loader(value: object) -> bool:
    return any(klass.__name__ == "DataLoader" for klass in type(value).__mro__)
