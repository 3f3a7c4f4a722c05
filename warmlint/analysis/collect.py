"""The one pass over a file's CST that records RawFacts (and the import table)."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.facts import (
    MODULE_SCOPE,
    ArgparseOption,
    Binding,
    BindingKind,
    Branch,
    CallSite,
    ExitKind,
    Function,
    Loop,
    LoopExit,
    LrWrite,
    RawFacts,
    ScopeId,
)
from warmlint.analysis.names import ImportTable, dotted_name


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class Collector(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        self.facts = RawFacts(module=module)
        self.imports = ImportTable()
        self._scopes: list[ScopeId] = [MODULE_SCOPE]
        self._classes: list[ScopeId | None] = [None]  # class scope that `self.` refers to
        self._globals: list[set[str]] = [set()]
        self._loops: list[int] = []
        self._loop_stack_saved: list[list[int]] = []
        self._branches: list[Branch] = []
        self._branch_stack_saved: list[list[Branch]] = []
        self._order = 0
        self._call_targets: dict[int, tuple[cst.BaseExpression, ...]] = {}
        self._statement: cst.SimpleStatementLine | None = None
        self._attribute_names: set[int] = set()  # ids of the `attr` Names of attributes: not variables
        self._loop_start: dict[int, int] = {}

    # ---- helpers -------------------------------------------------------
    @property
    def scope(self) -> ScopeId:
        return self._scopes[-1]

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def _bind(self, name: str, binding: Binding) -> None:
        binding.order = self._next_order()
        scope = MODULE_SCOPE if name in self._globals[-1] else self.scope
        self.facts.bindings.setdefault(scope, {}).setdefault(name, []).append(binding)

    def _bind_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression | None, kind: BindingKind, index: int | None = None
    ) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, Binding(target.value, kind, value, index, target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for i, element in enumerate(target.elements):
                inner = element.value
                if isinstance(inner, cst.StarredElement):
                    inner = inner.value
                self._bind_target(inner, value, kind, i if kind is not BindingKind.LOOP else None)
        elif isinstance(target, cst.Attribute):
            dotted = dotted_name(target)
            class_scope = self._classes[-1]
            if dotted and dotted.startswith("self.") and dotted.count(".") == 1 and class_scope:
                self.facts.bindings.setdefault(class_scope, {}).setdefault(dotted, []).append(
                    Binding(dotted, kind, value, index, target)
                )
            elif value is not None:
                self.facts.attribute_stores.append((target, value, self.scope))

    # ---- scopes ------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.scope
        self._bind(node.name.value, Binding(node.name.value, BindingKind.DEF, node, node=node))
        own = parent + (node.name.value,)
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for star in (node.params.star_arg, node.params.star_kwarg):
            if isinstance(star, cst.Param):
                params.append(star)
        is_method = self._classes[-1] is not None and self._classes[-1] == parent
        self.facts.functions[own] = Function(node.name.value, node, own, parent, params, is_method)
        self._scopes.append(own)
        self._globals.append(set())
        for param in params:
            self._bind(param.name.value, Binding(param.name.value, BindingKind.PARAM, param, node=param))
        self._enter_body()
        if not is_method:
            self._classes.append(self._classes[-1])
        else:
            self._classes.append(parent)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()
        self._globals.pop()
        self._classes.pop()
        self._leave_body()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, Binding(node.name.value, BindingKind.CLASS, node, node=node))
        for base in node.bases:
            dotted = dotted_name(base.value)
            if dotted:
                self.facts.class_bases.append(dotted)
        own = self.scope + (node.name.value,)
        self._scopes.append(own)
        self._globals.append(set())
        self._classes.append(own)
        self._enter_body()

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()
        self._globals.pop()
        self._classes.pop()
        self._leave_body()

    def _enter_body(self) -> None:
        """Loops and branches do not reach into a nested def or class body."""
        self._loop_stack_saved.append(self._loops)
        self._branch_stack_saved.append(self._branches)
        self._loops, self._branches = [], []

    def _leave_body(self) -> None:
        self._loops = self._loop_stack_saved.pop()
        self._branches = self._branch_stack_saved.pop()

    def visit_Global(self, node: cst.Global) -> None:
        self._globals[-1].update(item.name.value for item in node.names)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        # A lambda's parameters are its own; calls inside it are still collected.
        return True

    # ---- bindings ------------------------------------------------------------
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statement = node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._statement = None

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.add_import(node)
        for alias in node.names:
            name = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
            self._bind(name, Binding(name, BindingKind.IMPORT, None, node=node))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.add_import_from(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = alias.evaluated_alias or alias.evaluated_name
            self._bind(name, Binding(name, BindingKind.IMPORT, None, node=node))

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = tuple(t.target for t in node.targets)
        if isinstance(node.value, cst.Call):
            self._call_targets[id(node.value)] = targets
        for target in targets:
            if isinstance(target, cst.Subscript):
                self._record_lr_write(node, target, node.value)
            else:
                self._bind_target(target, node.value, BindingKind.ASSIGN)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            return
        if isinstance(node.value, cst.Call):
            self._call_targets[id(node.value)] = (node.target,)
        self._bind_target(node.target, node.value, BindingKind.ASSIGN)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._record_lr_write(node, node.target, node.value, augmented=True)
        else:
            self._bind_target(node.target, None, BindingKind.OTHER)
            counter = dotted_name(node.target)
            if counter and isinstance(node.operator, cst.AddAssign):
                self.facts.loop_exits.append(
                    LoopExit(ExitKind.INCREMENT, counter, self.scope, tuple(self._loops), tuple(self._branches))
                )

    def visit_Break(self, node: cst.Break) -> None:
        self.facts.loop_exits.append(
            LoopExit(ExitKind.BREAK, None, self.scope, tuple(self._loops), tuple(self._branches))
        )

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None, BindingKind.OTHER)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None, BindingKind.OTHER)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None, BindingKind.OTHER)

    def _record_lr_write(
        self, statement: cst.CSTNode, target: cst.Subscript, value: cst.BaseExpression, augmented: bool = False
    ) -> None:
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return
        key = string_value(target.slice[0].slice.value)
        if key is not None and key != "lr":
            base = dotted_name(target.value)
            if base:
                self.facts.subscript_stores.append((base, key, self.scope))
        if key != "lr":
            return
        self.facts.lr_writes.append(
            LrWrite(
                node=statement,
                group=target.value,
                value=value,
                scope=self.scope,
                order=self._next_order(),
                loops=tuple(self._loops),
                branches=tuple(self._branches),
                augmented=augmented,
            )
        )

    def visit_Return(self, node: cst.Return) -> None:
        function = self.facts.functions.get(self.scope)
        if function is not None and node.value is not None:
            function.returns.append(node.value)

    # ---- loops and branches --------------------------------------------------
    def visit_For(self, node: cst.For) -> None:
        self._loop_start[id(node)] = self._next_order()

    def visit_While(self, node: cst.While) -> None:
        self._loop_start[id(node)] = self._next_order()

    def _push_loop(self, node: cst.For | cst.While, targets: tuple[str, ...], iter_text: str) -> None:
        loop = Loop(
            len(self.facts.loops) + 1,
            node,
            self.scope,
            self._loops[-1] if self._loops else None,
            targets,
            iter_text,
            self._loop_start.pop(id(node)),
        )
        self.facts.loops[loop.id] = loop
        self._loops.append(loop.id)

    def visit_For_body(self, node: cst.For) -> None:
        self._bind_target(node.target, node.iter, BindingKind.LOOP)
        names = tuple(n.value for n in _names_in(node.target))
        self._push_loop(node, names, self.facts.module.code_for_node(node.iter))

    def leave_For_body(self, node: cst.For) -> None:
        self._loops.pop()

    def visit_While_body(self, node: cst.While) -> None:
        self._push_loop(node, (), self.facts.module.code_for_node(node.test))

    def leave_While_body(self, node: cst.While) -> None:
        self._loops.pop()

    def visit_If_body(self, node: cst.If) -> None:
        self._branches.append(Branch(node.test, True))

    def leave_If_body(self, node: cst.If) -> None:
        self._branches.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self._branches.append(Branch(node.test, False))

    def leave_If_orelse(self, node: cst.If) -> None:
        self._branches.pop()

    # ---- calls and comments --------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = dotted_name(node.func)
        self.facts.calls.append(
            CallSite(
                node=node,
                callee=callee,
                scope=self.scope,
                order=self._next_order(),
                loops=tuple(self._loops),
                branches=tuple(self._branches),
                targets=self._call_targets.pop(id(node), ()),
                statement=self._statement,
            )
        )
        if callee and callee.endswith(".add_argument"):
            self._record_argparse(node)
        elif callee and callee.endswith(".set_defaults"):
            for arg in node.args:
                if arg.keyword is not None:
                    self.facts.argparse.append(ArgparseOption(arg.keyword.value, (), arg.value, self.scope))

    def _record_argparse(self, node: cst.Call) -> None:
        flags = tuple(s for s in (string_value(a.value) for a in node.args if a.keyword is None) if s)
        if not flags:
            return
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        dest = string_value(keywords["dest"]) if "dest" in keywords else None
        if dest is None:
            long_flags = [f for f in flags if f.startswith("--")]
            chosen = long_flags[0] if long_flags else flags[0]
            dest = chosen.lstrip("-").replace("-", "_")
        self.facts.argparse.append(ArgparseOption(dest, flags, keywords.get("default"), self.scope))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._attribute_names:
            return  # `lr_scheduler` in `optim.lr_scheduler.StepLR` is no use of a variable `lr_scheduler`
        counts = self.facts.name_counts
        counts[node.value] = counts.get(node.value, 0) + 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attribute_names.add(id(node.attr))
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            key = f"self.{node.attr.value}"
            self.facts.name_counts[key] = self.facts.name_counts.get(key, 0) + 1

    def visit_Comment(self, node: cst.Comment) -> None:
        self.facts.comments.append(node)

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        if node.comment is not None:
            self.facts.comment_holders[id(node.comment)] = node

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        if node.comment is not None:
            self.facts.comment_holders[id(node.comment)] = node


def _names_in(target: cst.BaseExpression):
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names_in(element.value)


def collect(module: cst.Module) -> tuple[RawFacts, ImportTable]:
    collector = Collector(module)
    module.visit(collector)
    return collector.facts, collector.imports
