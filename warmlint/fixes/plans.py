"""Build the edits of each fix from the facts a rule found.

WL001 and WL002 insert a LambdaLR (linear warmup, then decay) and step it after
every `optimizer.step()`; WL002 also removes the manual warmup writes. WL003
replaces a warmup-only LR function with one that decays after the warmup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

import libcst as cst

from warmlint.analysis.catalog import CONSTANT_AFTER_WARMUP_FACTORIES, WARM_WORD
from warmlint.analysis.evaluate import ShapeKind
from warmlint.analysis.facts import MODULE_SCOPE, BindingKind, CallSite, LrWrite
from warmlint.analysis.lr_schedule import Schedule, schedule_of
from warmlint.analysis.model import Model, Optimizer, Scheduler, call_argument
from warmlint.analysis.run_length import LIGHTNING_TOTAL, available, framework_run_length, no_steps_reason
from warmlint.analysis.scheduler_kinds import SchedulerKind
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.config import Config, Decay
from warmlint.fixes.edits import Edits, appended, spaced
from warmlint.fixes.later_placement import later_place
from warmlint.fixes.schedule_code import ScheduleNames, auto_warmup_expr, function_source, schedule_block, statements
from warmlint.fixes.training_loop import CannotFix, known_length, place
from warmlint.syntax import code_of


@dataclass(frozen=True)
class FixOptions:
    warmup_steps: int | str = "auto"
    decay: Decay = Decay.COSINE
    min_lr_ratio: float = 0.0
    total_steps: int | None = None

    @classmethod
    def from_config(cls, config: Config) -> FixOptions:
        return cls(
            config.fix_option("warmup-steps"),
            config.fix_option("decay"),
            config.fix_option("min-lr-ratio"),
            config.fix_option("total-steps"),
        )


class Planner:
    """Edits for one finding on one module; raises CannotFix with the reason when unsafe."""

    def __init__(self, model: Model, options: FixOptions) -> None:
        self.model = model
        self.options = options
        self.edits = Edits()
        self._taken = _all_names(model)

    # ---- naming and imports ---------------------------------------------------
    def fresh(self, *candidates: str) -> str:
        for name in candidates:
            if name not in self._taken:
                self._taken.add(name)
                self.edits.binds.add(name)
                return name
        base, index = candidates[0], 2
        while f"{base}_{index}" in self._taken:
            index += 1
        self._taken.add(f"{base}_{index}")
        self.edits.binds.add(f"{base}_{index}")
        return f"{base}_{index}"

    def names(self) -> ScheduleNames:
        decay = self.options.decay.value
        return ScheduleNames(
            function=self.fresh(f"warmup_{decay}_decay", f"lr_warmup_{decay}_decay"),
            warmup=self.fresh("warmup_steps", "lr_warmup_steps"),
            total=self.fresh("total_steps", "lr_total_steps", "total_train_steps"),
            scheduler=self.fresh("scheduler", "lr_scheduler", "warmup_scheduler"),
        )

    def lambda_lr(self) -> str:
        return self.scheduler_class("LambdaLR")

    def scheduler_class(self, name: str) -> str:
        """How this file should spell torch.optim.lr_scheduler.<name>, adding an import in its style."""
        imports = self.model.imports
        exact = imports.local_name_for(f"torch.optim.lr_scheduler.{name}")
        if exact:
            return exact
        if imports.imports_from("torch.optim.lr_scheduler") and name not in self._taken:
            self.edits.imports.append(("torch.optim.lr_scheduler", name))
            return name
        for module, suffix in (
            ("torch.optim.lr_scheduler", name),
            ("torch.optim", f"lr_scheduler.{name}"),
            ("torch", f"optim.lr_scheduler.{name}"),
        ):
            local = imports.local_name_for(module)
            if local:
                return f"{local}.{suffix}"
        if name in self._taken:
            raise CannotFix(f"the name {name} is already used for something else")
        self.edits.imports.append(("torch.optim.lr_scheduler", name))
        return name

    def need_math(self) -> None:
        local = self.model.imports.local_name_for("math")
        if local == "math":
            return
        if "math" in self._taken:
            raise CannotFix("the name math is already used for something else")
        self.edits.imports.append(("math", None))

    def _warmup(
        self,
        names: ScheduleNames,
        user_warmup: str | None,
        scope,
        order: int,
        user_value: float | None = None,
        total_steps: float | None = None,
    ) -> tuple[ScheduleNames, str]:
        """W: the configured number, the user's own warmup length (its name where it is defined, else
        its value), or about 5% of T (`total_steps`, its value where it is known before the run
        starts)."""
        if self.options.decay is Decay.COSINE:
            self.need_math()
        if isinstance(self.options.warmup_steps, int):
            return names, str(self.options.warmup_steps)
        if user_warmup is not None and available(self.model, user_warmup, scope, order):
            if user_warmup.isidentifier():  # the user's own name: use it as it is
                return replace(names, warmup=user_warmup), user_warmup
            return names, user_warmup
        if user_warmup is not None and user_value is not None and user_value == int(user_value) and user_value >= 1:
            return names, str(int(user_value))
        if self.options.total_steps is not None:
            total_steps = self.options.total_steps
        return names, auto_warmup_expr(names.total, total_steps)

    def _run_steps(self, optimizer: Optimizer) -> float | None:
        """T of the optimizer's run, from the schedule model (None: known only when the run starts)."""
        total = schedule_of(self.model, optimizer).total
        return total.value if total is not None else None

    # ---- WL001 / WL002: insert a scheduler ----------------------------------
    def insert_scheduler(
        self, optimizer: Optimizer, user_warmup: str | None = None, user_value: float | None = None
    ) -> Edits:
        if not optimizer.steps and optimizer.lightning_return is not None:
            return self._return_scheduler_to_lightning(optimizer, user_warmup)
        wanted = (user_warmup,) if user_warmup is not None and isinstance(self.options.warmup_steps, str) else ()
        placement, sites = place(self.model, optimizer, self.options.total_steps, wanted)
        total = placement.total_steps or str(self.options.total_steps)
        names, warmup = self._warmup(
            self.names(), user_warmup, placement.scope, placement.order, user_value, self._run_steps(optimizer)
        )
        block = self._schedule_block(names, total, warmup, optimizer, module_level=placement.scope == MODULE_SCOPE)
        if placement.after is not None:
            self.edits.insert_after(placement.after, block)
        elif placement.before is not None:
            self.edits.on(placement.before, lambda updated: _above(updated, block))
        else:
            raise CannotFix("no statement to put the scheduler next to")
        self._step_after(optimizer, sites, names.scheduler)
        return self.edits

    def _return_scheduler_to_lightning(self, optimizer: Optimizer, user_warmup: str | None) -> Edits:
        """`return optimizer` in configure_optimizers: build the schedule over Lightning's own count
        of the run's optimizer steps, and return it for Lightning to step every optimizer step."""
        statement, returned = optimizer.call.statement, optimizer.lightning_return
        if statement is None or returned is None:
            raise CannotFix("the optimizer is not assigned to a name on its own line")
        total = str(self.options.total_steps) if self.options.total_steps else LIGHTNING_TOTAL
        names, warmup = self._warmup(self.names(), user_warmup, optimizer.call.scope, optimizer.call.order)
        if optimizer.call.targets:
            name = code_of(optimizer.call.targets[0])
            block = self._schedule_block(names, total, warmup, optimizer, module_level=False, optimizer_name=name)
            self.edits.insert_after(statement, block)
        elif isinstance(statement, cst.SimpleStatementLine) and returned is optimizer.call.node:
            # `return AdamW(...)`: the optimizer gets a name of its own, built where it was.
            name = self.fresh("optimizer", "lr_optimizer")
            (bound,) = statements(f"{name} = {code_of(returned)}\n")
            block = self._schedule_block(names, total, warmup, optimizer, module_level=False, optimizer_name=name)
            self.edits.on_same(statement, lambda updated: _named_first(updated, bound, block))
        else:
            raise CannotFix("the optimizer is not assigned to a name on its own line")
        config = f'{{"optimizer": {name}, "lr_scheduler": {{"scheduler": {names.scheduler}, "interval": "step"}}}}'
        self.edits.replace(returned, cst.parse_expression(config))
        return self.edits

    def _schedule_block(
        self,
        names: ScheduleNames,
        total: str,
        warmup: str,
        optimizer: Optimizer,
        module_level: bool,
        optimizer_name: str | None = None,
    ) -> list[cst.BaseStatement]:
        """The inserted `T`, `W`, LR function and `LambdaLR` of `optimizer`, shaped by the fix options."""
        return schedule_block(
            names,
            total,
            warmup,
            self.options.decay,
            self.options.min_lr_ratio,
            optimizer_name or code_of(optimizer.call.targets[0]),
            self.lambda_lr(),
            module_level=module_level,
        )

    def _step_after(self, optimizer: Optimizer, sites: list[CallSite], scheduler: str) -> None:
        home = optimizer.call.scope
        extended: set[int] = set()
        for site in sites:
            if site.statement is None:
                raise CannotFix("optimizer.step() is not a statement of its own")
            if site.scope != home and self._optimizer_is_parameter(optimizer, site):
                self.pass_scheduler(site, scheduler, extended)
            self.edits.insert_after(site.statement, statements(f"{scheduler}.step()\n"))

    def _optimizer_is_parameter(self, optimizer: Optimizer, site: CallSite) -> bool:
        function = self.model.raw.functions[site.scope]
        params = {p.name.value for p in function.params}
        return any(scope == site.scope and name in params for scope, name in optimizer.aliases)

    def pass_scheduler(self, site: CallSite, scheduler: str, extended: set[int]) -> None:
        """Add a `scheduler` parameter to the function that steps, and pass it at its call site."""
        function = self.model.raw.functions[site.scope]
        if id(function.node) in extended:
            return
        params = function.node.params
        if (
            params.star_arg is not cst.MaybeSentinel.DEFAULT
            or params.kwonly_params
            or params.star_kwarg
            or any(p.default is not None for p in params.params)
            or function.is_method
        ):
            raise CannotFix(f"cannot pass the scheduler into {function.name}()")
        calls = self.model.resolver.calls_to(function)
        if len(calls) != 1 or calls[0][0].scope != self._home_of(site):
            raise CannotFix(f"{function.name}() is not called directly where the scheduler is built")
        extended.add(id(function.node))
        self.edits.on_same(
            function.node,
            lambda updated: updated.with_changes(
                params=updated.params.with_changes(
                    params=appended(updated.params.params, cst.Param(cst.Name(scheduler)))
                )
            ),
        )
        self.edits.on_same(
            calls[0][0].node,
            lambda updated: updated.with_changes(
                args=appended(
                    updated.args,
                    cst.Arg(
                        keyword=cst.Name(scheduler),
                        value=cst.Name(scheduler),
                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                    ),
                )
            ),
        )

    def _home_of(self, site: CallSite):
        return self.model.resolver.calls_to(self.model.raw.functions[site.scope])[0][0].scope

    def replace_manual_warmup(self, write: LrWrite) -> Edits:
        """The LambdaLR in place of the manual writes, at the LR the run trains at after its warmup,
        with the script's own warmup length."""
        optimizer = self.model.optimizer_of_group(write.group, write.scope, write.loops)
        if optimizer is None:
            raise CannotFix("cannot tell which optimizer the warmup writes to")
        if optimizer.schedulers or optimizer.schedule_helpers or optimizer.escapes:
            raise CannotFix("other code also changes this optimizer's LR")
        schedule = schedule_of(self.model, optimizer)
        self._keep_target(schedule)
        for other in optimizer.lr_writes:
            self.edits.remove(other.node)
        for statement in _dead_values(self.model, optimizer.lr_writes):
            self.edits.remove(statement)
        own = schedule.warmup if schedule.warmup is not None and schedule.warmup.node is not None else None
        return self.insert_scheduler(optimizer, own.text if own else None, own.value if own else None)

    def _keep_target(self, schedule: Schedule) -> None:
        """The LambdaLR scales the LR the optimizer is built with: where the run trains at another LR
        after its warmup (`AdamW(lr=1e-5)` then `g["lr"] = 5e-4`), the optimizer is built with that one."""
        target, base, optimizer = schedule.target, schedule.base, schedule.optimizer
        if target is None:
            raise CannotFix("cannot tell which LR the run trains at after its warmup")
        if base is not None and base.value == target.value:
            return
        if base is None:
            raise CannotFix(
                f"the run trains at lr={target.value:g}, but the optimizer's lr is not written where it is built"
            )
        if not available(self.model, target.text, optimizer.call.scope, optimizer.call.order):
            raise CannotFix(
                f"the run trains at lr={target.value:g} (`{target.text}`) after its warmup, and `{target.text}` "
                f"is not defined where {optimizer.short_name} is built"
            )
        self.edits.replace(base.node, cst.parse_expression(target.text))

    # ---- WL003: make the warmup decay -------------------------------------------
    def add_decay_later(self, scheduler: Scheduler) -> Edits:
        """`add_decay`, with the scheduler built after the definitions its run length needs (it moves
        down its block, see `warmlint.fixes.later_placement`)."""
        if scheduler.short_name in CONSTANT_AFTER_WARMUP_FACTORIES:
            raise CannotFix("the scheduler is rewritten where it is")
        return self.add_decay(scheduler, move=True)

    def add_decay(self, scheduler: Scheduler, move: bool = False) -> Edits:
        if scheduler.short_name in CONSTANT_AFTER_WARMUP_FACTORIES:
            return self._hf_cosine_after_warmup(scheduler)
        optimizer = scheduler.optimizer
        statement = scheduler.call.statement
        if optimizer is None or statement is None:
            raise CannotFix("cannot tell which optimizer the scheduler drives")
        home = scheduler.call.scope
        framework_total = framework_run_length(scheduler)
        total_steps = None  # T's value, where it is known before the run starts
        if self.options.total_steps is not None:
            total = str(self.options.total_steps)
        elif framework_total is not None:
            total = framework_total
        else:
            sites = optimizer.steps
            if not sites:
                raise CannotFix(no_steps_reason(optimizer))
            length = known_length(self.model, sites[0], home)
            total, total_steps = length.text, length.value
        later, order = None, scheduler.call.order
        if total != framework_total and not available(self.model, total, home, order):
            later = later_place(self.model, scheduler, total)  # or why the scheduler cannot move
            if not move:
                raise CannotFix(f"`{total}` is not defined where the scheduler is built (it can move down to there)")
            order = later.order
        if SchedulerKind.of(scheduler) is SchedulerKind.LAMBDA:
            user_warmup, replace_target = self._lambda_warmup(scheduler)
        else:  # a lone LinearLR
            iters = call_argument(scheduler.call.node, "total_iters", 3)
            user_warmup, replace_target = (code_of(iters) if iters is not None else "5"), scheduler.call.node
        names, warmup = self._warmup(self.names(), user_warmup, home, order, total_steps=total_steps)
        gap = "\n\n" if home == MODULE_SCOPE else "\n"
        code = f"{names.total} = {total}\n"
        if warmup != names.warmup:
            code += f"{names.warmup} = {warmup}\n"
        code += gap + function_source(names, self.options.decay, self.options.min_lr_ratio)
        new_node: cst.CSTNode = cst.Name(names.function)
        if replace_target is scheduler.call.node:
            optimizer_argument = scheduler.argument("optimizer", 0)
            if optimizer_argument is None:
                raise CannotFix("the optimizer is not passed to the scheduler as an argument")
            optimizer_code = code_of(optimizer_argument)
            new_node = cst.parse_expression(f"{self.lambda_lr()}({optimizer_code}, lr_lambda={names.function})")
            self.edits.maybe_unused.append(("torch.optim.lr_scheduler", scheduler.short_name))
        if later is None:
            self.edits.insert_before(statement, statements(code), blank_lines=gap.count("\n"))
            self.edits.replace(replace_target, new_node)
            return self.edits
        # Built after the names it needs: the rewritten statement follows the inserted schedule there.
        rebuilt = cast(cst.BaseStatement, statement.deep_replace(replace_target, new_node))
        moved = [*statements(code + gap), cast(cst.BaseStatement, spaced(rebuilt, gap.count("\n")))]
        self.edits.remove(statement)
        self.edits.insert_after(later.statement, moved)
        return self.edits

    def _hf_cosine_after_warmup(self, scheduler: Scheduler) -> Edits:
        """`get_constant_schedule_with_warmup(opt, W)` -> `get_cosine_schedule_with_warmup(opt, W,
        num_training_steps=T)`, with T a named value next to it."""
        optimizer, statement, call = scheduler.optimizer, scheduler.call.statement, scheduler.call.node
        if optimizer is None or statement is None:
            raise CannotFix("cannot tell which optimizer the scheduler drives")
        if not optimizer.steps:
            raise CannotFix(no_steps_reason(optimizer))
        total = self.options.total_steps or known_length(self.model, optimizer, scheduler.call.scope).text
        if not available(self.model, str(total), scheduler.call.scope, scheduler.call.order):
            raise CannotFix(f"`{total}` is not defined where the scheduler is built")
        factory = "get_cosine_schedule_with_warmup"
        func: cst.Attribute | cst.Name
        if isinstance(call.func, cst.Attribute):
            func = call.func.with_changes(attr=cst.Name(factory))
        elif factory in self._taken:
            raise CannotFix(f"the name {factory} is already used for something else")
        else:
            func = cst.Name(factory)
            self.edits.imports.append(("transformers", factory))
            self.edits.maybe_unused.append(("transformers", scheduler.short_name))
        total_name = self.fresh("total_steps", "lr_total_steps", "total_train_steps")
        steps = cst.Arg(
            keyword=cst.Name("num_training_steps"),
            value=cst.Name(total_name),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        self.edits.insert_before(statement, statements(f"{total_name} = {total}\n"))
        self.edits.replace(call, call.with_changes(func=func, args=appended(call.args, steps)))
        return self.edits

    def _lambda_warmup(self, scheduler: Scheduler) -> tuple[str, cst.CSTNode]:
        schedule = lr_lambda_of(self.model, scheduler)
        if schedule is None or schedule.shape is None or schedule.shape.kind is not ShapeKind.WARMUP_THEN_FLAT:
            raise CannotFix("the LR function cannot be evaluated")
        if schedule.assumed:
            raise CannotFix(f"the value of `{schedule.assumed[0]}` cannot be read from this file")
        argument = scheduler.argument("lr_lambda", 1)
        if argument is None:
            raise CannotFix("the LR function is not passed to the scheduler as an argument")
        warm_names = sorted(n for n in schedule.function.free_names() if WARM_WORD.search(n))
        warmup = warm_names[0] if len(warm_names) == 1 else str(schedule.shape.peak_step)
        if isinstance(schedule.node, cst.FunctionDef) and self._only_use(schedule.node.name.value, scheduler):
            self.edits.remove(schedule.node)
        return warmup, argument

    def _only_use(self, name: str, scheduler: Scheduler) -> bool:
        """The user's LR function is referenced only by this scheduler (so it can be replaced)."""
        uses = 0
        for call in self.model.raw.calls:
            uses += sum(1 for arg in call.node.args if isinstance(arg.value, cst.Name) and arg.value.value == name)
            uses += call.callee == name
        return uses == 1


def _named_first(
    returned: cst.SimpleStatementLine, bound: cst.BaseStatement, block: list[cst.BaseStatement]
) -> cst.FlattenSentinel:
    """`optimizer = AdamW(...)` and the schedule before the `return` that built the optimizer; the
    comments above the return, which spoke of that construction, go with it."""
    first = bound.with_changes(leading_lines=returned.leading_lines)
    return cst.FlattenSentinel([first, *block, returned.with_changes(leading_lines=[])])


def _above(statement: cst.CSTNode, block: list[cst.BaseStatement]) -> cst.FlattenSentinel:
    """`block` inserted before `statement`; where two blank lines set `statement` off (from a def or
    class above it, as PEP 8 asks), they set off the block too."""
    leading = list(getattr(statement, "leading_lines", ()))
    blank = next((index for index, line in enumerate(leading) if line.comment is not None), len(leading))
    if blank >= 2:
        first = block[0].with_changes(leading_lines=[*leading[:blank], *getattr(block[0], "leading_lines", ())])
        block = [first, *block[1:]]
    return cst.FlattenSentinel([*block, statement])


def _dead_values(model: Model, writes: list[LrWrite]) -> list[cst.CSTNode]:
    """`lr = base_lr * (it + 1) / warmup_iters`, computed in the training loop only to feed writes
    the fix removes (a value bound outside the loop is the user's setting, and stays)."""
    dead = []
    for write in writes:
        loops = [model.raw.loops[i] for i in write.loops if "param_groups" not in model.raw.loops[i].iter_text]
        if not isinstance(write.value, cst.Name) or not loops:
            continue
        bindings = model.raw.bindings_of(write.scope, write.value.value)
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN or bindings[0].index is not None:
            continue
        statement = _assignment_of(loops[-1].node, bindings[0].node)
        value = bindings[0].value
        if statement is None or not isinstance(value, cst.BaseExpression) or _calls_something(value):
            continue
        uses = _name_uses(model.raw.module, write.value.value)
        if uses == 1 + sum(1 for w in writes if isinstance(w.value, cst.Name) and w.value.value == write.value.value):
            dead.append(statement)
    return list({id(s): s for s in dead}.values())


def _assignment_of(within: cst.CSTNode, target: cst.CSTNode | None) -> cst.Assign | None:
    found: list[cst.Assign] = []

    class Find(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if len(node.targets) == 1 and node.targets[0].target is target:
                found.append(node)

    within.visit(Find())
    return found[0] if found else None


def _calls_something(expr: cst.BaseExpression) -> bool:
    """Calls other than the pure numeric ones an LR is written with could have effects of their own."""
    pure = {"min", "max", "abs", "round", "float", "int", "math.cos", "math.ceil", "math.floor", "math.pi"}
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call) and code_of(node.func) not in pure:
            return True
        stack.extend(node.children)
    return False


def _name_uses(module: cst.Module, name: str) -> int:
    """How many times the file mentions the variable `name` (bindings included; not `f(name=...)`
    keywords or `x.name` attributes, which are other names)."""
    count = 0
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name:
            count += 1
        elif isinstance(node, cst.Arg):
            stack.append(node.value)
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        else:
            stack.extend(node.children)
    return count


def _all_names(model: Model) -> set[str]:
    """Every name bound anywhere in the file: new names must not clash with any of them."""
    names = {name.split(".")[-1] for scope in model.raw.bindings.values() for name in scope}
    names |= {c.callee.split(".")[0] for c in model.raw.calls if c.callee}
    return names
