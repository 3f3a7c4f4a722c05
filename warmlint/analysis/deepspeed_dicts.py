"""DeepSpeed config dicts written inside a Python script, read as the schedule of the run.

The dict is handed to `deepspeed.initialize(config=...)`, `HfDeepSpeedConfig(...)` or
`TrainingArguments(deepspeed=...)`, or is a literal of DeepSpeed's schema (a `"scheduler"` of one
of its types beside `"optimizer"`, `"train_batch_size"` or `"zero_optimization"`). It is turned into
the tree the config-file readers build (`warmlint.configs.tree`), so the config-file facts and rules
judge it: each value resolves with the model's resolver, and one it cannot resolve is unknown. The
run's length comes from the file: the Trainer's `max_steps`, or the loops around `engine.step()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import Enum

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.collect import string_value
from warmlint.analysis.facts import BindingKind, CallSite, ScopeId
from warmlint.analysis.model import Model, call_argument
from warmlint.analysis.names import dotted_name
from warmlint.analysis.run_length import site_length
from warmlint.configs.facts import ConfigSchedule, Form, Setting, schedules
from warmlint.configs.tree import Entry, Mapping, Node, Scalar, Sequence, mappings
from warmlint.syntax import Unresolved, code_of, parenthesized

# DeepSpeed's scheduler types: a dict whose "scheduler" has one of them is DeepSpeed's schema.
SCHEDULER_TYPES = frozenset({"WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest"})
# Keys beside "scheduler" that only a DeepSpeed config has at its top.
SCHEMA_KEYS = frozenset({"optimizer", "train_batch_size", "train_micro_batch_size_per_gpu", "zero_optimization"})
_MAX_DEPTH = 20


class Handoff(Enum):
    """Who receives the dict: the HF integration fills its "auto" values, DeepSpeed does not."""

    TRAINER = "TrainingArguments(deepspeed=...)"
    DEEPSPEED = "deepspeed.initialize"
    HF_CONFIG = "HfDeepSpeedConfig"
    NONE = "a literal of DeepSpeed's schema"


@dataclass(frozen=True)
class RunSteps:
    """The run's optimizer steps: the script's own expression (valid where the dict is), its value."""

    text: str | None
    value: float | None
    label: str  # how the messages name it (`max_steps`, `args.epochs * len(loader)`)


@dataclass
class DictTree:
    """A dict as the config tree, with the CST node behind each entry and mapping."""

    root: Mapping
    scope: ScopeId
    order: int  # where the dict is written, in source order (for what an inserted value may read)
    handoff: Handoff
    mutated: _Mutations = field(repr=False, compare=False)
    run: RunSteps | None = None
    nodes: dict[int, cst.CSTNode] = field(default_factory=dict)  # id(Entry or Mapping) -> node
    values: dict[int, cst.BaseExpression] = field(default_factory=dict)  # id(Entry) -> value as written

    def node_of(self, item: Entry | Mapping) -> cst.CSTNode | None:
        return self.nodes.get(id(item))


@dataclass(frozen=True)
class DictSchedule:
    """One DeepSpeed schedule a dict in the script sets up."""

    tree: DictTree
    schedule: ConfigSchedule


def deepspeed_schedules(model: Model) -> list[DictSchedule]:
    """The DeepSpeed schedules of the file's config dicts (computed once per file)."""
    if model.deepspeed_schedules is None:
        found = []
        for tree in _trees(model):
            run = setting_of(tree.run) if tree.run is not None else None
            for schedule in schedules(tree.root):
                if schedule.form is Form.DEEPSPEED:
                    found.append(DictSchedule(tree, replace(schedule, run_length=run or schedule.run_length)))
        model.deepspeed_schedules = found
    return model.deepspeed_schedules


def _trees(model: Model) -> list[DictTree]:
    found: dict[int, DictTree] = {}
    mutated = _Mutations(model)
    for call in model.raw.calls:
        argument, handoff = _handed_dict(model, call)
        if argument is None:
            continue
        origin = _dict_origin(model, argument, call.scope, mutated)
        if origin is None:
            continue
        tree = found.get(id(origin[0]))
        if tree is None:
            tree = _tree(model, origin[0], origin[1], call.order, handoff, mutated)
            if tree is None:
                continue
            found[id(origin[0])] = tree
        elif handoff is Handoff.TRAINER:  # also handed to the Trainer, which fills its "auto" values
            tree.handoff = handoff
        run = _run_steps(model, call, tree, handoff)
        if run is not None and (tree.run is None or handoff is Handoff.TRAINER):
            tree.run = run
    for scope, names in model.raw.bindings.items():
        for bindings in names.values():
            for binding in bindings:
                value = binding.value
                if binding.kind is not BindingKind.ASSIGN or binding.index is not None or id(value) in found:
                    continue
                if (
                    isinstance(value, (cst.Dict, cst.Call))
                    and _is_dict(value)
                    and _names_scheduler(value)
                    and binding.name not in mutated
                ):
                    tree = _tree(model, value, scope, binding.order, Handoff.NONE, mutated)
                    if tree is not None and any(_has_schema(m) for m in mappings(tree.root)):
                        found[id(value)] = tree
    return list(found.values())


def _handed_dict(model: Model, call: CallSite) -> tuple[cst.BaseExpression | None, Handoff]:
    qualified = model.qualified(call) or ""
    if qualified in ("deepspeed.initialize", "deepspeed.runtime.engine.initialize"):
        return call_argument(call.node, "config") or call_argument(call.node, "config_params"), Handoff.DEEPSPEED
    if qualified.rsplit(".", 1)[-1] == "HfDeepSpeedConfig" and qualified.startswith("transformers"):
        return call_argument(call.node, "config_file_or_dict", 0), Handoff.HF_CONFIG
    if catalog.is_trainer_config(qualified):
        return call_argument(call.node, "deepspeed"), Handoff.TRAINER
    return None, Handoff.NONE


def _is_dict(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Dict):
        return True
    return (
        isinstance(node, cst.Call)
        and dotted_name(node.func) == "dict"
        and all(a.keyword is not None and not a.star for a in node.args)
    )


def _dict_origin(
    model: Model, expr: cst.BaseExpression, scope: ScopeId, mutated: _Mutations
) -> tuple[cst.CSTNode, ScopeId] | None:
    """The one dict literal (or `dict(...)`) `expr` is, or a name bound once to and never changed."""
    if _is_dict(expr):
        return expr, scope
    origins = model.resolver.origins(expr, scope)
    if origins and len(origins) == 1 and _is_dict(origins[0][0]) and origins[0][2] not in mutated:
        return origins[0][0], origins[0][1]
    return None


class _Mutations:
    """Names whose dict the file changes after building it (`cfg["scheduler"]["params"][...] = n`,
    `cfg.update(...)`): what the literal says is then not what the run gets. The file is read for
    them only when it hands or writes a config dict, and once."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._names: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            raw = self._model.raw
            names = {base.split(".", 1)[0] for base, _, _ in raw.subscript_stores}
            names |= {
                callee.split(".", 1)[0]
                for call in raw.calls
                if (callee := call.callee) and callee.rsplit(".", 1)[-1] in _MUTATORS
            }
            collector = _SubscriptStores()
            raw.module.visit(collector)
            self._names = names | collector.names
        return name in self._names


_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear"})


class _SubscriptStores(cst.CSTVisitor):
    """The names under nested subscript stores (`cfg["a"]["b"] = ...`, `del cfg["a"]`)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def _store(self, target: cst.BaseExpression) -> None:
        while isinstance(target, (cst.Subscript, cst.Attribute)):
            target = target.value
        if isinstance(target, cst.Name):
            self.names.add(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Subscript):
            self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._store(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Subscript):
            self._store(node.target)


def _names_scheduler(node: cst.CSTNode, depth: int = 0) -> bool:
    """A `"scheduler"` key in the literal or a dict written inside it: the cheap test before reading it."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(node, cst.Dict):
        pairs = [(string_value(e.key), e.value) for e in node.elements if isinstance(e, cst.DictElement)]
    elif isinstance(node, cst.Call) and _is_dict(node):
        pairs = [(a.keyword.value if a.keyword else None, a.value) for a in node.args]
    else:
        return False
    return any(key == "scheduler" or _names_scheduler(value, depth + 1) for key, value in pairs)


def _has_schema(root: Mapping) -> bool:
    """A literal of DeepSpeed's schema: a scheduler of its types beside a key only its configs have."""
    scheduler = root.get("scheduler")
    kind = scheduler.get("type") if isinstance(scheduler, Mapping) else None
    return isinstance(kind, Scalar) and kind.value in SCHEDULER_TYPES and bool(SCHEMA_KEYS & set(root.entries))


def _tree(
    model: Model, node: cst.CSTNode, scope: ScopeId, order: int, handoff: Handoff, mutated: _Mutations
) -> DictTree | None:
    tree = DictTree(Mapping(), scope, order, handoff, mutated)
    root = _mapping(model, tree, node, scope, 0)
    if root is None:
        return None
    tree.root = root
    return tree


def _mapping(model: Model, tree: DictTree, node: cst.CSTNode, scope: ScopeId, depth: int) -> Mapping | None:
    """The dict as a Mapping; None when a `**spread` may set any key."""
    mapping = Mapping(block=False)
    if isinstance(node, cst.Dict):
        pairs: list[tuple[cst.CSTNode, str | None, cst.BaseExpression]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None
            pairs.append((element, string_value(element.key), element.value))
    elif isinstance(node, cst.Call):
        pairs = [(arg, arg.keyword.value if arg.keyword else None, arg.value) for arg in node.args]
    else:
        return None
    for holder, key, value in pairs:
        if key is None:
            continue  # a key that is not a string literal: nothing DeepSpeed reads by name
        entry = Entry(key, 0, 0, _node(model, tree, value, scope, depth + 1))
        mapping.entries[key] = entry
        tree.nodes[id(entry)] = holder
        tree.values[id(entry)] = value
    tree.nodes[id(mapping)] = node
    return mapping


def _node(model: Model, tree: DictTree, expr: cst.BaseExpression, scope: ScopeId, depth: int) -> Node:
    if depth < _MAX_DEPTH:
        origin = _dict_origin(model, expr, scope, tree.mutated)
        if origin is not None:
            inner = _mapping(model, tree, origin[0], origin[1], depth)
            if inner is not None:
                return inner
        if isinstance(expr, (cst.List, cst.Tuple)):
            return Sequence([_node(model, tree, e.value, scope, depth + 1) for e in expr.elements])
    return Scalar(_scalar(model, expr, scope), -1, -1, 0, 0)


def _scalar(model: Model, expr: cst.BaseExpression, scope: ScopeId) -> str | int | float | None:
    """A string or number the file gives; None when unknown."""
    text = string_value(expr)
    if text is None:
        origins = model.resolver.origins(expr, scope)
        if origins and len(origins) == 1 and origins[0][0] is not expr:
            text = string_value(origins[0][0])
    if text is not None:
        return text
    value = model.resolver.number(expr, scope)
    if value is None:
        return None
    number = value.number
    return int(number) if math.isfinite(number) and number == int(number) else number


def _run_steps(model: Model, call: CallSite, tree: DictTree, handoff: Handoff) -> RunSteps | None:
    """The run's optimizer steps, where the file gives them."""
    if handoff is Handoff.TRAINER:
        written = call_argument(call.node, "max_steps")
        value = model.resolver.number(written, call.scope) if written is not None else None
        if written is None or value is None or value.number <= 0:
            return None
        return RunSteps(code_of(written), value.number, "max_steps")
    if handoff is not Handoff.DEEPSPEED:
        return None
    accumulation = _accumulation(tree.root)
    if accumulation is None:
        return None  # the steps per optimizer step depend on the world size or are not known
    engine = _engine_name(call)
    if engine is None:
        return None
    steps = [
        c
        for c in model.raw.calls
        if c.callee == f"{engine}.step" and not c.node.args and _same_binding(model, c.scope, call.scope, engine)
    ]
    if not steps:
        return None
    try:
        parts = {part.text: part.value for part in (site_length(model, s, call.scope) for s in steps)}
    except Unresolved:
        return None
    text = " + ".join(parts)
    known = [v for v in parts.values() if v is not None]
    total = sum(known) if len(known) == len(parts) else None
    if accumulation > 1:  # engine.step() steps the optimizer at each accumulation boundary only
        text = f"{parenthesized(text)} // {accumulation}"
        total = total // accumulation if total is not None else None
    label = "steps" if total is not None and text == f"{total:g}" else text
    return RunSteps(text, total, label)


def _accumulation(root: Mapping) -> int | None:
    """gradient_accumulation_steps as DeepSpeed derives it; None when it depends on the world size."""
    written = root.get("gradient_accumulation_steps")
    if written is None:
        both = root.get("train_batch_size") is not None and root.get("train_micro_batch_size_per_gpu") is not None
        return None if both else 1
    if isinstance(written, Scalar) and isinstance(written.value, int) and written.value > 0:
        return written.value
    return None


def _engine_name(call: CallSite) -> str | None:
    """`engine` in `engine, optimizer, _, _ = deepspeed.initialize(...)`."""
    if len(call.targets) != 1:
        return None
    target = call.targets[0]
    if isinstance(target, (cst.Tuple, cst.List)) and target.elements:
        first = target.elements[0].value
        return first.value if isinstance(first, cst.Name) else None
    return None


def _same_binding(model: Model, scope: ScopeId, home: ScopeId, name: str) -> bool:
    found = model.resolver.lookup(scope, name)
    return found is not None and found[0] == home


def setting_of(run: RunSteps) -> Setting | None:
    """The run's length as the config rules read it (a `max_steps`-like setting)."""
    if run.value is None:
        return None
    shown: int | float = int(run.value) if run.value == int(run.value) else run.value
    return Setting(Entry(run.label, 0, 0, Scalar(shown, -1, -1, 0, 0)))


@dataclass(frozen=True)
class DecayingDict:
    """WL003's fix of a dict's `WarmupLR`: the schedule it is, in the dict it is written in."""

    item: DictSchedule


@dataclass(frozen=True)
class DictValue:
    """A fix that writes one number into the dict (WL009's shorter warmup, WL010's run length)."""

    value: cst.BaseExpression  # as written in the dict
    code: str  # what replaces it
