"""From raw facts to the objects rules reason about: optimizers, schedulers, LR writes.

Objects are followed through the file the way a reader would follow them:
plain re-assignment, `accelerator.prepare(...)` (also tuple-unpacked), `self.x`
attributes, parameters of functions defined in the same file, and return values
of such functions. Where an object reaches code the analysis cannot see, that is
recorded as an escape, and rules that need "nothing changes the LR" stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.aliases import AliasIndex, Key, refs_in
from warmlint.analysis.facts import CallSite, LrWrite, RawFacts, ScopeId
from warmlint.analysis.names import ImportTable, dotted_name
from warmlint.analysis.values import Resolver, Value


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


@dataclass
class Scheduler(Tracked):
    optimizer: Optimizer | None = field(default=None, repr=False)
    children: list[Scheduler] = field(default_factory=list, repr=False)
    parent: Scheduler | None = field(default=None, repr=False)

    def argument(self, keyword: str, position: int | None = None) -> cst.BaseExpression | None:
        return call_argument(self.call.node, keyword, position)


@dataclass
class Optimizer(Tracked):
    family: str = catalog.NEVER
    lr: Value | None = None
    schedulers: list[Scheduler] = field(default_factory=list, repr=False)
    lr_writes: list[LrWrite] = field(default_factory=list, repr=False)
    schedule_helpers: list[CallSite] = field(default_factory=list, repr=False)  # adjust_learning_rate(opt, ...)

    @property
    def has_schedule(self) -> bool:
        return bool(self.schedulers or self.lr_writes or self.schedule_helpers)

    @property
    def steps(self) -> list[CallSite]:
        """`optimizer.step()` and `scaler.step(optimizer)` calls, in source order."""
        sites = self.calls_of("step")
        sites += [c for c in self.passed_to
                  if isinstance(c.node.func, cst.Attribute) and c.node.func.attr.value == "step"]
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

    def __init__(self, raw: RawFacts, imports: ImportTable) -> None:
        self.raw = raw
        self.imports = imports
        self.resolver = Resolver(raw, imports)
        self._qualified = {id(c.node): imports.qualify(c.callee) for c in raw.calls}
        self._parent_call: dict[int, tuple[CallSite, int]] = {}
        for call in raw.calls:
            for index, arg in enumerate(call.node.args):
                for ref in refs_in(arg.value):
                    self._parent_call[id(ref)] = (call, index)
        self.optimizers: list[Optimizer] = []
        self.schedulers: list[Scheduler] = []
        self.unattributed_lr_writes: list[LrWrite] = []
        self._aliases = AliasIndex(raw, self.resolver, self.key_of)
        self._build()

    # ---- names -------------------------------------------------------------
    def qualified(self, call: CallSite) -> str | None:
        return self._qualified.get(id(call.node))

    def key_of(self, expr: cst.BaseExpression, scope: ScopeId) -> Key | None:
        dotted = dotted_name(expr)
        if dotted is None or not (isinstance(expr, cst.Name) or (dotted.startswith("self.") and dotted.count(".") == 1)):
            return None
        found = self.resolver.lookup(scope, dotted)
        return (found[0], dotted) if found else None

    @cached_property
    def builds_transformer(self) -> bool:
        names = [self.imports.qualify(b) for b in self.raw.class_bases]
        names += [q for q in self._qualified.values()]
        return any(q and catalog.builds_transformer(q) for q in names)

    # ---- construction ------------------------------------------------------
    def _build(self) -> None:
        for call in self.raw.calls:
            qualified = self.qualified(call)
            if qualified is None:
                continue
            family = catalog.optimizer_family(qualified)
            if family is not None:
                self.optimizers.append(Optimizer(call, qualified, family=family))
            elif catalog.is_scheduler(qualified):
                self.schedulers.append(Scheduler(call, qualified))
        for obj in [*self.optimizers, *self.schedulers]:
            self._track(obj)
        for optimizer in self.optimizers:
            optimizer.lr = self._optimizer_lr(optimizer)
        self._attach_schedulers()
        self._attach_lr_writes()

    def _initial_aliases(self, obj: Tracked) -> set[Key]:
        keys = set()
        for target in obj.call.targets:
            if isinstance(target, (cst.Tuple, cst.List)) and obj.qualified in catalog.TUPLE_RETURNING_FACTORIES \
                    and target.elements:
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
        pending, done = list(obj.aliases), set()
        while pending:
            key = pending.pop()
            if key in done:
                continue
            done.add(key)
            obj.returned_to_lightning |= key in index.lightning_keys
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
        orders = [creations[id(binding.value)] for key in obj.aliases if key[0] == scope
                  for binding in self.raw.bindings_of(*key) if id(binding.value) in creations]
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
    def optimizer_for(self, expr: cst.BaseExpression | None, scope: ScopeId,
                      order: int | None = None) -> Optimizer | None:
        """The optimizer `expr` refers to; at a known place (`order`), the one its name holds there."""
        return self._object_for(self.optimizers, expr, scope, order) if expr is not None else None

    def scheduler_for(self, expr: cst.BaseExpression, scope: ScopeId,
                      order: int | None = None) -> Scheduler | None:
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
                inner = scheduler.argument("schedulers", 1 if scheduler.short_name == "SequentialLR" else 0)
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
        if isinstance(call.node.func, cst.Attribute) and call.node.func.attr.value in catalog.WRAPPER_METHODS:
            return  # accelerator.prepare(optimizer): followed through its result
        if callee in catalog.OPTIMIZER_SAFE_CALLEES:
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
            if (call.callee or "").endswith(".update") and call_argument(call.node, "lr") is not None:
                group = call.node.func.value
                optimizer = self.optimizer_of_group(group, call.scope, call.loops)
                if optimizer is not None:
                    optimizer.schedule_helpers.append(call)

    def optimizer_of_group(self, group: cst.BaseExpression, scope: ScopeId,
                           loops: tuple[int, ...] = ()) -> Optimizer | None:
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
        if bindings[0].kind == "loop":
            return self._optimizer_of_groups(_unwrap_enumerate(source), key[0])
        if bindings[0].kind == "assign" and isinstance(source, cst.Subscript):
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
        steps_itself = any((c.callee or "").startswith("self.lr_schedulers") for c in self.raw.calls
                           if c.scope[:len(class_scope)] == class_scope)
        return manual and not steps_itself


def _unwrap_enumerate(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "enumerate" and expr.args:
        return expr.args[0].value
    return expr

