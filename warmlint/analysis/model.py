"""From raw facts to the objects rules reason about: optimizers, schedulers, LR writes.

Objects are followed through the file the way a reader would follow them:
plain re-assignment, `accelerator.prepare(...)` (also tuple-unpacked), `self.x`
attributes, parameters of functions defined in the same file, and return values
of such functions. Where an object reaches code the analysis cannot see, that is
recorded as an escape, and rules that need "nothing changes the LR" stay silent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.aliases import AliasIndex, Key, refs_in
from warmlint.analysis.facts import BindingKind, CallSite, LrWrite, RawFacts, ScopeId
from warmlint.analysis.frameworks import Frameworks
from warmlint.analysis.names import ImportTable, dotted_name
from warmlint.analysis.scale import ModelScale, ScaleEvidence
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.units import StepUnit
from warmlint.analysis.values import Resolver, Value

if TYPE_CHECKING:  # the derived facts below are computed by the modules that define them
    from warmlint.analysis.deepspeed_dicts import DictSchedule
    from warmlint.analysis.lr_schedule import Schedule
    from warmlint.analysis.schedules import LambdaSchedule, ManualSchedule
    from warmlint.analysis.trainer_configs import TrainerConfig


@dataclass
class Tracked:
    """An object created by one call, and every name that refers to it."""

    call: CallSite
    qualified: str
    aliases: set[Key] = field(default_factory=set)
    method_calls: list[CallSite] = field(default_factory=list, repr=False)  # alias.method(...)
    passed_to: list[CallSite] = field(default_factory=list, repr=False)  # f(..., alias, ...)
    escapes: list[str] = field(default_factory=list)  # why the analysis lost sight of it
    returned_to_lightning: bool = False
    # The whole value `configure_optimizers` returns, when that is this object alone (`return optimizer`,
    # or its construction returned as it is built).
    lightning_return: cst.BaseExpression | None = field(default=None, repr=False)
    # Where its creation's name is re-bound to a new object of the same kind in the same code
    # (two training runs one after the other): (scope, first order, end order) of its stretch.
    window: tuple[ScopeId, float, float] | None = None

    def holds_at(self, scope: ScopeId, order: int) -> bool:
        """Whether a use at this place can refer to this object (and not to a namesake)."""
        return self.window is None or scope != self.window[0] or self.window[1] <= order < self.window[2]

    @property
    def short_name(self) -> str:
        return self.qualified.rsplit(".", 1)[-1]

    def calls_of(self, method: str) -> list[CallSite]:
        return [c for c in self.method_calls if c.callee and c.callee.rsplit(".", 1)[-1] == method]


# The `"interval"` words of a Lightning scheduler config.
_LIGHTNING_INTERVALS = {"step": StepUnit.OPTIMIZER_STEP, "epoch": StepUnit.EPOCH}


class SlotHolder(enum.Enum):
    """What holds a scheduler in the value `configure_optimizers` returns."""

    LIST = "list"
    PAIR = "pair"  # `[optimizer], scheduler`
    TUPLE = "tuple"
    RETURN = "return"  # the returned value itself
    OPTIMIZER_DICT = "lr_scheduler"  # an optimizer dict's `lr_scheduler` entry
    SCHEDULER_CONFIG = "scheduler"  # a scheduler config dict's `scheduler` entry


@dataclass(frozen=True)
class LightningSlot:
    """Where a scheduler returned from `configure_optimizers` is written in the returned value."""

    ref: cst.BaseExpression  # the scheduler as written there (a name or its construction)
    holder: SlotHolder
    config: cst.Dict | None = None  # the scheduler config dict, when held by SCHEDULER_CONFIG


@dataclass
class Scheduler(Tracked):
    optimizer: Optimizer | None = field(default=None, repr=False)
    children: list[Scheduler] = field(default_factory=list, repr=False)
    parent: Scheduler | None = field(default=None, repr=False)
    # Returned from configure_optimizers: how often Lightning steps it (EPOCH unless the
    # scheduler config says `"interval": "step"`); None when it is not returned to Lightning.
    lightning_interval: StepUnit | None = None
    lightning_slot: LightningSlot | None = field(default=None, repr=False)

    def argument(self, keyword: str, position: int | None = None) -> cst.BaseExpression | None:
        return call_argument(self.call.node, keyword, position)

    @property
    def is_warmup_factory(self) -> bool:
        """A Hugging Face `get_*_schedule_with_warmup(optimizer, num_warmup_steps, ...)`."""
        return self.short_name.startswith("get_") and self.short_name.endswith("_schedule_with_warmup")


class Lifetime(enum.Enum):
    """How an optimizer lives in the file: only a training run can have an LR schedule problem."""

    TRAINING_RUN = "stepped in a loop"
    FRAMEWORK = "handed to a framework that steps it"
    NEVER_STEPPED = "nothing in the file steps it"
    SINGLE_UPDATE = "stepped outside any loop: a single update, not a training run"
    REBUILT_PER_STEP = "built inside the loop that steps it: a fresh optimizer for every step"
    UNKNOWN = "it is stepped only in code the file never calls"

    @property
    def is_training_run(self) -> bool:
        return self in (Lifetime.TRAINING_RUN, Lifetime.FRAMEWORK)


@dataclass
class Optimizer(Tracked):
    family: str = catalog.NEVER
    lr: Value | None = None
    schedulers: list[Scheduler] = field(default_factory=list, repr=False)
    lr_writes: list[LrWrite] = field(default_factory=list, repr=False)
    schedule_helpers: list[CallSite] = field(default_factory=list, repr=False)  # adjust_learning_rate(opt, ...)
    lifetime: Lifetime = Lifetime.UNKNOWN
    framework_stepped: bool = False  # handed to a trainer that steps it (ignite's supervised trainer)
    scale: ScaleEvidence = ScaleEvidence.UNKNOWN  # of the model it trains; see Model.scale_of

    @property
    def has_schedule(self) -> bool:
        return bool(self.schedulers or self.lr_writes or self.schedule_helpers)

    @property
    def lr_set_every_iteration(self) -> bool:
        """A helper writes the LR (`adjust_learning_rate(opt, lr)`) in a loop, under no `if`: the LR is
        set by hand for the whole run, whatever a scheduler of this optimizer would have done."""
        return any(
            call.loops and not call.branches and catalog.LR_SETTER_CALLEE.search((call.callee or "").rsplit(".", 1)[-1])
            for call in self.schedule_helpers
        )

    @property
    def steps(self) -> list[CallSite]:
        """`optimizer.step()` and `scaler.step(optimizer)` calls, in source order."""
        sites = self.calls_of("step")
        sites += [
            c for c in self.passed_to if isinstance(c.node.func, cst.Attribute) and c.node.func.attr.value == "step"
        ]
        return sorted(sites, key=lambda c: c.order)


def call_argument(call: cst.Call, keyword: str, position: int | None = None) -> cst.BaseExpression | None:
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
        if arg.keyword is None and not arg.star and index == position:
            return arg.value
    return None


class Model:
    """Everything the rules need to know about one file."""

    def __init__(self, raw: RawFacts, imports: ImportTable, known: dict[str, float] | None = None) -> None:
        """`known`: values of calls the file leaves open (`len(loader)`) that a run measured."""
        self.raw = raw
        self.imports = imports
        self.resolver = Resolver(raw, imports, known)
        self._qualified = {id(c.node): imports.qualify(c.callee) for c in raw.calls}
        self._parent_call: dict[int, tuple[CallSite, int]] = {}
        for call in raw.calls:
            for index, arg in enumerate(call.node.args):
                for ref in refs_in(arg.value):
                    self._parent_call[id(ref)] = (call, index)
        self.optimizers: list[Optimizer] = []
        self.schedulers: list[Scheduler] = []
        # Facts derived on demand by other analysis modules, kept so that every rule, fix and
        # verify reads the one computed value: each optimizer's schedule (by id of the optimizer),
        # each LR function's evaluated shape and each manual schedule (by id of its node).
        self.schedules: dict[int, Schedule] = {}
        self.lambda_schedules: dict[int, LambdaSchedule | None] = {}
        self.manual_schedules: dict[int, ManualSchedule | None] = {}
        self.trainer_configs: list[TrainerConfig] | None = None
        self.deepspeed_schedules: list[DictSchedule] | None = None
        self.unattributed_lr_writes: list[LrWrite] = []
        self.frameworks = Frameworks(self.resolver, imports)
        self._aliases = AliasIndex(raw, self.resolver, self.key_of, self.frameworks.wraps)
        self._build()

    # ---- names -------------------------------------------------------------
    def qualified(self, call: CallSite) -> str | None:
        return self._qualified.get(id(call.node))

    def key_of(self, expr: cst.BaseExpression, scope: ScopeId) -> Key | None:
        dotted = dotted_name(expr)
        if dotted is None or not (
            isinstance(expr, cst.Name) or (dotted.startswith("self.") and dotted.count(".") == 1)
        ):
            return None
        found = self.resolver.lookup(scope, dotted)
        return (found[0], dotted) if found else None

    @cached_property
    def builds_transformer(self) -> bool:
        names = [self.imports.qualify(b) for b in self.raw.class_bases]
        names += [q for q in self._qualified.values()]
        if any(q and catalog.builds_transformer(q) for q in names):
            return True
        called = {(c.callee or "").rsplit(".", 1)[-1] for c in self.raw.calls}
        defined = {
            name
            for names in self.raw.bindings.values()
            for name, bindings in names.items()
            if any(b.kind is BindingKind.CLASS for b in bindings)
        }
        return any(catalog.is_transformer_class_name(name) for name in called | defined)

    @cached_property
    def scale_evidence(self) -> ScaleEvidence:
        """The evidence of the whole file: what counts when an optimizer's model cannot be followed."""
        if self.builds_transformer:
            return ScaleEvidence.TRANSFORMER
        if any(q and catalog.builds_large_backbone(q) for q in self._qualified.values()) or self.large_batch:
            return ScaleEvidence.LARGE
        return ScaleEvidence.NONE

    @property
    def large_batch(self) -> bool:
        return self.batch_size is not None and self.batch_size >= catalog.LARGE_BATCH

    def _scale_of(self, optimizer: Optimizer, scale: ModelScale) -> ScaleEvidence:
        own = scale.of_optimizer(optimizer.call.node, optimizer.call.scope)
        if own is ScaleEvidence.UNKNOWN:
            return self.scale_evidence
        if own is ScaleEvidence.NONE and self.large_batch:
            return ScaleEvidence.LARGE
        return own

    # ---- construction ------------------------------------------------------
    def _build(self) -> None:
        for call in self.raw.calls:
            qualified = self.qualified(call)
            if qualified is None:
                if call.callee and self._is_local_scheduler_class(call.callee, call.scope):
                    self.schedulers.append(Scheduler(call, call.callee))
                continue
            family = catalog.optimizer_family(qualified)
            if family is not None:
                self.optimizers.append(Optimizer(call, qualified, family=family))
            elif catalog.is_scheduler(qualified):
                self.schedulers.append(Scheduler(call, qualified))
        for obj in [*self.optimizers, *self.schedulers]:
            self._track(obj)
        for optimizer in self._implied_optimizers():
            self.optimizers.append(optimizer)
            self._track(optimizer)
        for optimizer in self.optimizers:
            optimizer.lr = self._optimizer_lr(optimizer)
        self._attach_schedulers()
        self._attach_lr_writes()
        self._read_lightning_intervals()
        scale = ModelScale(self.raw, self.imports, self.resolver, self.qualified)
        for optimizer in self.optimizers:
            optimizer.lifetime = self._lifetime(optimizer)
            optimizer.scale = self._scale_of(optimizer, scale)

    def _is_local_scheduler_class(self, callee: str, scope: ScopeId, depth: int = 0) -> bool:
        """A class defined in this file on top of torch's scheduler base (`class
        WarmupLinearSchedule(_LRScheduler)`): a scheduler, stepped and saved like one, though
        the analysis does not know its shape."""
        found = self.resolver.lookup(scope, callee) if "." not in callee else None
        if found is None or len(found[1]) != 1 or found[1][0].kind is not BindingKind.CLASS or depth > 3:
            return False
        node = found[1][0].value
        if not isinstance(node, cst.ClassDef):
            return False
        for base in node.bases:
            name = dotted_name(base.value)
            qualified = self.imports.qualify(name)
            if qualified in catalog.SCHEDULER_BASES:
                return True
            if name and qualified is None and self._is_local_scheduler_class(name, found[0], depth + 1):
                return True
        return False

    def _implied_optimizers(self) -> list[Optimizer]:
        """Objects from factories the analysis cannot see into (`create_optimizer(...)`) that the file
        hands to a known scheduler as its optimizer: optimizers of an unknown family."""
        sites = {id(c.node): c for c in self.raw.calls}
        found: dict[int, Optimizer] = {}
        for scheduler in self.schedulers:
            target = scheduler.argument("optimizer", 0)
            if target is None or self.optimizer_for(target, scheduler.call.scope) is not None:
                continue
            origins = self.resolver.origins(target, scheduler.call.scope)
            if not origins or len(origins) != 1 or not isinstance(origins[0][0], cst.Call):
                continue
            site = sites.get(id(origins[0][0]))
            if site is not None and id(site.node) not in found:
                qualified = self.qualified(site) or site.callee or "optimizer"
                if not catalog.is_scheduler(qualified):
                    found[id(site.node)] = Optimizer(site, qualified, family=catalog.NEVER)
        return list(found.values())

    def _initial_aliases(self, obj: Tracked) -> set[Key]:
        keys = set()
        for target in obj.call.targets:
            if (
                isinstance(target, (cst.Tuple, cst.List))
                and obj.qualified in catalog.TUPLE_RETURNING_FACTORIES
                and target.elements
            ):
                target = target.elements[0].value  # timm: scheduler, num_epochs = create_scheduler(...)
            key = self.key_of(target, obj.call.scope)
            if key:
                keys.add(key)
        return keys

    def _track(self, obj: Tracked) -> None:
        """Grow the alias set through the file's name flows, then record how the object is used."""
        index = self._aliases
        obj.aliases = self._initial_aliases(obj)
        obj.window = self._rebinding_window(obj)
        self._follow_returns(obj, obj.call.node, obj.call.scope)
        if id(obj.call.node) in index.lightning_nodes:
            obj.returned_to_lightning = True
        obj.lightning_return = index.lightning_alone_calls.get(id(obj.call.node))
        pending, done = list(obj.aliases), set()
        while pending:
            key = pending.pop()
            if key in done:
                continue
            done.add(key)
            obj.returned_to_lightning |= key in index.lightning_keys
            obj.lightning_return = obj.lightning_return or index.lightning_alone.get(key)
            before = set(obj.aliases)
            obj.aliases.update(index.flows.get(key, ()))
            for element, scope in index.returned.get(key, ()):
                self._follow_returns(obj, element, scope)
            pending.extend(obj.aliases - before)
        self._record_uses(obj)

    def _rebinding_window(self, obj: Tracked) -> tuple[ScopeId, float, float] | None:
        """`optimizer = AdamW(...)` again later in the same code names a new optimizer from there on."""
        kind = self.optimizers if isinstance(obj, Optimizer) else self.schedulers
        creations = {id(other.call.node): other.call.order for other in kind if other is not obj}
        scope, created = obj.call.scope, obj.call.order
        orders = [
            creations[id(binding.value)]
            for key in obj.aliases
            if key[0] == scope
            for binding in self.raw.bindings_of(*key)
            if id(binding.value) in creations
        ]
        start = created if any(order < created for order in orders) else float("-inf")
        end = min((order for order in orders if order > created), default=float("inf"))
        return (scope, start, end) if orders else None

    def is_alias(self, obj: Tracked, expr: cst.BaseExpression, scope: ScopeId) -> bool:
        key = self.key_of(expr, scope)
        return key is not None and key in obj.aliases

    def _follow_returns(self, obj: Tracked, expr: cst.BaseExpression, scope: ScopeId) -> None:
        """If `expr` is (part of) what a local function returns, alias the call sites' targets."""
        function = self.raw.functions.get(scope)
        if function is None:
            return
        for value in function.returns:
            if value is expr:
                index = None
            elif isinstance(value, (cst.Tuple, cst.List)) and any(e.value is expr for e in value.elements):
                index = next(i for i, e in enumerate(value.elements) if e.value is expr)
            else:
                continue
            if function.name == "configure_optimizers":
                obj.returned_to_lightning = True
                continue
            sites = self.resolver.calls_to(function)
            if not sites:
                obj.escapes.append(f"returned from {function.name}(), which is never called here")
            for call, _ in sites:
                for target in call.targets:
                    if index is not None and isinstance(target, (cst.Tuple, cst.List)):
                        if index < len(target.elements):
                            target = target.elements[index].value
                        else:
                            continue
                    elif index is not None:
                        continue
                    key = self.key_of(target, call.scope)
                    if key:
                        obj.aliases.add(key)
                if not call.targets:
                    obj.escapes.append(f"returned from {function.name}() and not kept")

    def _record_uses(self, obj: Tracked) -> None:
        methods, passed = self._aliases.uses(obj.aliases)
        obj.method_calls += [c for c in (self.raw.calls[p] for p in methods) if self._uses(obj, c)]
        obj.passed_to += [c for c in (self.raw.calls[p] for p in passed) if self._uses(obj, c)]
        # Created inline as an argument: `StepLR(SGD(...))`.
        parent = self._parent_call.get(id(obj.call.node))
        if parent is not None:
            obj.passed_to.append(parent[0])
        for position in self._aliases.stored(obj.aliases):
            target = self.raw.attribute_stores[position][0]
            obj.escapes.append(f"stored in {self.raw.module.code_for_node(target)}")

    @staticmethod
    def _uses(obj: Tracked, call: CallSite) -> bool:
        return call.node is not obj.call.node and obj.holds_at(call.scope, call.order)

    def _optimizer_lr(self, optimizer: Optimizer) -> Value | None:
        expr = call_argument(optimizer.call.node, "lr", 1)
        if expr is None:
            return None
        return self.resolver.number(expr, optimizer.call.scope)

    # ---- relations ---------------------------------------------------------
    def optimizer_for(
        self, expr: cst.BaseExpression | None, scope: ScopeId, order: int | None = None
    ) -> Optimizer | None:
        """The optimizer `expr` refers to; at a known place (`order`), the one its name holds there."""
        return self._object_for(self.optimizers, expr, scope, order) if expr is not None else None

    def scheduler_for(self, expr: cst.BaseExpression, scope: ScopeId, order: int | None = None) -> Scheduler | None:
        return self._object_for(self.schedulers, expr, scope, order)

    def _object_for(self, objects, expr: cst.BaseExpression, scope: ScopeId, order: int | None):
        found = [o for o in objects if expr is o.call.node or self.is_alias(o, expr, scope)]
        here = [o for o in found if order is None or o.holds_at(scope, order)]
        return (here or found or [None])[0]

    def _attach_schedulers(self) -> None:
        for scheduler in self.schedulers:
            target = scheduler.argument("optimizer", 0)
            scheduler.optimizer = self.optimizer_for(target, scheduler.call.scope, scheduler.call.order)
            if scheduler.short_name in catalog.COMPOSITE_SCHEDULERS:
                inner = scheduler.argument(
                    "schedulers", 1 if SchedulerKind.of(scheduler) is SchedulerKind.SEQUENTIAL else 0
                )
                for ref in refs_in(inner) if inner is not None else ():
                    child = self.scheduler_for(ref, scheduler.call.scope, scheduler.call.order)
                    if child is not None:
                        child.parent = scheduler
                        scheduler.children.append(child)
        for optimizer in self.optimizers:
            for call in optimizer.passed_to:
                self._classify_pass(optimizer, call)

    def _classify_pass(self, optimizer: Optimizer, call: CallSite) -> None:
        """What it means for the LR that the optimizer is handed to `call`."""
        qualified = self.qualified(call) or ""
        callee = call.callee or ""
        last = callee.rsplit(".", 1)[-1]
        scheduler = next((s for s in self.schedulers if s.call.node is call.node), None)
        if scheduler is not None:
            if scheduler.optimizer is None:
                scheduler.optimizer = optimizer
            if scheduler.optimizer is optimizer:
                optimizer.schedulers.append(scheduler)
            return
        if self.resolver.local_function(call.node.func, call.scope) is not None:
            return  # followed into the function through its parameter: what it does is seen there
        if catalog.is_scheduler(qualified) or catalog.SCHEDULE_LIKE_CALLEE.search(last):
            optimizer.schedule_helpers.append(call)
            return
        if last in catalog.OPTIMIZER_STEPPING_METHODS and isinstance(call.node.func, cst.Attribute):
            return  # scaler.step(optimizer)
        if self.frameworks.wraps(call.node, call.scope):
            return  # accelerator.prepare(optimizer): followed through its result
        if self.frameworks.leaves_lr_alone(call.node, call.scope):
            return  # fabric.clip_gradients(model, optimizer, ...)
        if callee in catalog.OPTIMIZER_SAFE_CALLEES:
            return
        if qualified in catalog.STEPPING_TRAINERS:
            optimizer.framework_stepped = True  # ignite's trainer steps it and leaves its LR alone
            return
        optimizer.escapes.append(f"passed to {callee or 'a call'}()")

    def _attach_lr_writes(self) -> None:
        for write in self.raw.lr_writes:
            optimizer = self.optimizer_of_group(write.group, write.scope, write.loops)
            if optimizer is None:
                self.unattributed_lr_writes.append(write)
            else:
                optimizer.lr_writes.append(write)
        for call in self.raw.calls:  # group.update(lr=...)
            func = call.node.func
            if (
                isinstance(func, cst.Attribute)
                and (call.callee or "").endswith(".update")
                and call_argument(call.node, "lr") is not None
            ):
                group = func.value
                optimizer = self.optimizer_of_group(group, call.scope, call.loops)
                if optimizer is not None:
                    optimizer.schedule_helpers.append(call)

    def _read_lightning_intervals(self) -> None:
        """Lightning steps a returned scheduler once per epoch unless its config dict says
        `"interval": "step"`: bare, in a list, or in a dict without the key all mean per epoch."""
        for function in self.raw.functions.values():
            if function.name != "configure_optimizers":
                continue
            for value in function.returns:
                for slot, interval in self._returned_schedulers(
                    value, function.scope, StepUnit.EPOCH, 0, SlotHolder.RETURN, None
                ):
                    ref = slot.ref
                    scheduler = self.scheduler_for(ref, function.scope)
                    if scheduler is not None and scheduler.returned_to_lightning:
                        scheduler.lightning_interval = interval
                        scheduler.lightning_slot = slot

    def _returned_schedulers(
        self, expr: cst.BaseExpression, scope: ScopeId, interval: StepUnit, depth: int, holder: SlotHolder, config
    ):
        if depth > 4:
            return
        if isinstance(expr, (cst.List, cst.Tuple)):
            pair = len(expr.elements) == 2 and isinstance(expr.elements[0].value, cst.List)
            kind = SlotHolder.LIST if isinstance(expr, cst.List) else SlotHolder.PAIR if pair else SlotHolder.TUPLE
            for element in expr.elements:
                yield from self._returned_schedulers(element.value, scope, interval, depth + 1, kind, None)
        elif isinstance(expr, cst.Dict):
            entries = {_literal_key(e.key): e.value for e in expr.elements if isinstance(e, cst.DictElement)}
            said = entries.get("interval")
            if isinstance(said, cst.SimpleString):
                interval = _LIGHTNING_INTERVALS.get(str(said.evaluated_value), interval)
            for entry in (SlotHolder.SCHEDULER_CONFIG, SlotHolder.OPTIMIZER_DICT):
                if entry.value in entries:
                    inner = expr if entry is SlotHolder.SCHEDULER_CONFIG else None
                    yield from self._returned_schedulers(entries[entry.value], scope, interval, depth + 1, entry, inner)
        elif isinstance(expr, cst.Call) and self.scheduler_for(expr, scope) is not None:
            yield LightningSlot(expr, holder, config), interval
        elif isinstance(expr, cst.Name):
            origins = self.resolver.origins(expr, scope)
            if origins and len(origins) == 1 and isinstance(origins[0][0], (cst.Dict, cst.List, cst.Tuple)):
                yield from self._returned_schedulers(origins[0][0], origins[0][1], interval, depth + 1, holder, config)
            else:
                yield LightningSlot(expr, holder, config), interval

    def _lifetime(self, optimizer: Optimizer) -> Lifetime:
        """Whether the optimizer is a training run: stepped in a loop that does not also rebuild it."""
        if optimizer.returned_to_lightning or optimizer.escapes or optimizer.framework_stepped:
            return Lifetime.FRAMEWORK
        steps = optimizer.steps
        if not steps:
            return Lifetime.NEVER_STEPPED
        reaches = {self._step_reach(optimizer.call, site, 0) for site in steps}
        for lifetime in (Lifetime.TRAINING_RUN, Lifetime.UNKNOWN, Lifetime.REBUILT_PER_STEP):
            if lifetime in reaches:
                return lifetime
        return Lifetime.SINGLE_UPDATE

    def _step_reach(self, creation: CallSite, site: CallSite, depth: int) -> Lifetime:
        """What kind of repetition a step site has, seen from the optimizer's creation."""
        if site.scope == creation.scope:
            if any(loop not in creation.loops for loop in site.loops):
                return Lifetime.TRAINING_RUN
            return Lifetime.REBUILT_PER_STEP if site.loops else Lifetime.SINGLE_UPDATE
        if site.loops:
            return Lifetime.TRAINING_RUN
        function = self.raw.functions.get(site.scope)
        callers = self.resolver.calls_to(function) if function is not None else []
        if not callers or depth >= 5:
            return Lifetime.UNKNOWN  # called from code the analysis cannot see
        reaches = {self._step_reach(creation, caller, depth + 1) for caller, _ in callers}
        for lifetime in (Lifetime.TRAINING_RUN, Lifetime.UNKNOWN, Lifetime.REBUILT_PER_STEP):
            if lifetime in reaches:
                return lifetime
        return Lifetime.SINGLE_UPDATE

    def optimizer_of_group(
        self, group: cst.BaseExpression, scope: ScopeId, loops: tuple[int, ...] = ()
    ) -> Optimizer | None:
        """The optimizer whose param group `group` is (`g` from `for g in opt.param_groups`, ...)."""
        if isinstance(group, cst.Subscript):
            return self._optimizer_of_groups(group.value, scope)
        if isinstance(group, cst.Name):
            for loop_id in reversed(loops):
                loop = self.raw.loops[loop_id]
                if isinstance(loop.node, cst.For) and group.value in loop.target_names:
                    return self._optimizer_of_groups(_unwrap_enumerate(loop.node.iter), scope)
        key = self.key_of(group, scope)
        if key is None:
            return None
        bindings = self.raw.bindings_of(*key)
        if len(bindings) != 1 or bindings[0].value is None:
            return None
        source = bindings[0].value
        if bindings[0].kind is BindingKind.LOOP and isinstance(source, cst.BaseExpression):  # the loop's iterable
            return self._optimizer_of_groups(_unwrap_enumerate(source), key[0])
        if bindings[0].kind is BindingKind.ASSIGN and isinstance(source, cst.Subscript):
            return self._optimizer_of_groups(source.value, key[0])
        return None

    def _optimizer_of_groups(self, expr: cst.BaseExpression, scope: ScopeId) -> Optimizer | None:
        if isinstance(expr, cst.Attribute) and expr.attr.value == "param_groups":
            return self.optimizer_for(expr.value, scope)
        return None

    def is_param_group_write(self, write: LrWrite) -> bool:
        """True when the subscripted object is a param group of some optimizer, known or not."""
        group = write.group
        if isinstance(group, cst.Subscript):
            return isinstance(group.value, cst.Attribute) and group.value.attr.value == "param_groups"
        for loop_id in reversed(write.loops):
            loop = self.raw.loops[loop_id]
            if isinstance(loop.node, cst.For) and isinstance(group, cst.Name) and group.value in loop.target_names:
                return "param_groups" in loop.iter_text
        key = self.key_of(group, write.scope)
        if key is None:
            return False
        bindings = self.raw.bindings_of(*key)
        if len(bindings) != 1 or bindings[0].value is None:
            return False
        code = self.raw.module.code_for_node(bindings[0].value)
        return "param_groups" in code

    # ---- training facts -----------------------------------------------------
    @cached_property
    def batch_size(self) -> float | None:
        """The DataLoader batch size, when every DataLoader in the file resolves to the same one."""
        sizes = set()
        for call in self.raw.calls:
            if self.qualified(call) != "torch.utils.data.DataLoader":
                continue
            expr = call_argument(call.node, "batch_size", 1)
            value = self.resolver.number(expr, call.scope) if expr is not None else None
            if value is None:
                return None
            sizes.add(value.number)
        return sizes.pop() if len(sizes) == 1 else None

    def manual_lightning_optimization(self, scheduler: Tracked) -> bool:
        """The scheduler is returned to Lightning by a module that turned automatic optimization off
        and never steps `self.lr_schedulers()` itself."""
        function = self.raw.functions.get(scheduler.call.scope)
        class_scope = function.parent if function is not None and function.is_method else None
        if class_scope is None:
            return False
        flags = self.raw.bindings_of(class_scope, "self.automatic_optimization")
        manual = any(isinstance(b.value, cst.Name) and b.value.value == "False" for b in flags)
        steps_itself = any(
            (c.callee or "").startswith("self.lr_schedulers")
            for c in self.raw.calls
            if c.scope[: len(class_scope)] == class_scope
        )
        return manual and not steps_itself


def _literal_key(key: cst.BaseExpression | None) -> str | None:
    value = key.evaluated_value if isinstance(key, cst.SimpleString) else None
    return value if isinstance(value, str) else None  # a bytes key is no config key


def _unwrap_enumerate(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "enumerate" and expr.args:
        return expr.args[0].value
    return expr
