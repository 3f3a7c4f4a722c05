"""Resolve a number from an expression without running anything.

Understands literals, unary minus, arithmetic, constants assigned once, argparse
defaults (`args.lr`, honouring `dest=` and dashed flags), literal dict configs
(`cfg["lr"]`, `cfg.get("lr", d)`), and parameters of functions defined in the
same file (their default, or the arguments at their call sites when they all
agree). Anything else is unresolved: rules stay silent rather than guess.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.collect import string_value
from warmlint.analysis.facts import MODULE_SCOPE, Binding, BindingKind, CallSite, Function, RawFacts, ScopeId
from warmlint.analysis.names import ImportTable, dotted_name

_MAX_DEPTH = 24

_BINARY = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}


@dataclass(frozen=True)
class Value:
    number: float
    source: str = ""  # where the number came from, for messages; "" for a literal


def literal_number(node: cst.CSTNode) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.evaluated_value)
    return None


def arithmetic(op: cst.BaseBinaryOp, left: float, right: float) -> float | None:
    """Apply a binary operator, refusing results that are not ordinary finite numbers."""
    function = _BINARY.get(type(op))
    if function is None:
        return None
    if function is operator.pow and abs(left) > 1 and (abs(right) > 64 or abs(left) > 1e6):
        return None  # a base of at most 1 stays bounded for any exponent (decay factors like 0.95 ** step)
    try:
        result = function(left, right)
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    if isinstance(result, complex) or not math.isfinite(result):
        return None
    return float(result)


class Resolver:
    def __init__(self, facts: RawFacts, imports: ImportTable, known: dict[str, float] | None = None) -> None:
        self.facts = facts
        self.imports = imports
        # Values the file does not give but a run did (`len(train_loader)` = 8, from verify): by
        # the call's source text.
        self.known = known or {}
        self._calls_by_callee: dict[str, list[CallSite]] = {}
        for call in facts.calls:
            if call.callee:
                self._calls_by_callee.setdefault(call.callee, []).append(call)

    # ---- scopes --------------------------------------------------------------
    def lookup(self, scope: ScopeId, name: str) -> tuple[ScopeId, list[Binding]] | None:
        """Bindings of `name` as Python would find them from `scope` (class bodies skipped)."""
        if name.startswith("self."):
            class_scope = self.class_scope_of(scope)
            if class_scope is None:
                return None
            found = self.facts.bindings_of(class_scope, name)
            return (class_scope, found) if found else None
        current: ScopeId | None = scope
        while current:
            found = self.facts.bindings_of(current, name)
            if found and (current == scope or current in self.facts.functions or current == MODULE_SCOPE):
                return current, found
            current = current[:-1] if len(current) > 1 else None
        return None

    def class_scope_of(self, scope: ScopeId) -> ScopeId | None:
        function = self.facts.functions.get(scope)
        if function is not None and function.is_method:
            return function.parent
        return None

    def calls_to(self, function: Function) -> list[tuple[CallSite, int]]:
        """Call sites of a function defined in this file, with the positional offset of its params."""
        callee = f"self.{function.name}" if function.is_method else function.name
        offset = 1 if function.is_method else 0
        # Same name, but provably another function (a namesake in another scope): not a call of this one.
        return [
            (c, offset)
            for c in self._calls_by_callee.get(callee, [])
            if (found := self._local_function(callee, c.scope)) is None or found is function
        ]

    def argument_for(
        self, function: Function, param: cst.Param, call: CallSite, offset: int
    ) -> tuple[cst.BaseExpression | None, bool]:
        """The expression a call passes for `param`, and whether the call is analysable.

        A `**vars(args)` or `**config` argument passes `args.<param>` or `config["<param>"]`
        (the `main(**vars(parser.parse_args()))` idiom); a `*args` argument is not followed.
        """
        index = function.params.index(param) - offset
        spread: cst.BaseExpression | None = None
        for position, arg in enumerate(call.node.args):
            if arg.star == "*":
                return None, False
            if arg.star == "**":
                spread = arg.value
            elif arg.keyword is None and position == index:
                return arg.value, True
            elif arg.keyword is not None and arg.keyword.value == param.name.value:
                return arg.value, True
        if spread is not None:
            return _entry_of(spread, param.name.value), True
        return None, True

    # ---- origins -------------------------------------------------------------
    def origins(
        self, expr: cst.BaseExpression, scope: ScopeId, depth: int = 0
    ) -> list[tuple[cst.BaseExpression, ScopeId, str]] | None:
        """Follow names to the expressions that define them.

        Returns (expression, scope, how) triples; several when a parameter gets
        its value from several call sites. None when any path is unknown.
        """
        if depth > _MAX_DEPTH:
            return None
        dotted = dotted_name(expr)
        if dotted is not None and (
            isinstance(expr, cst.Name) or (dotted.startswith("self.") and dotted.count(".") == 1)
        ):
            found = self.lookup(scope, dotted)
            if found is None:
                return None
            where, bindings = found
            if len(bindings) != 1:
                return None
            return self._binding_origins(bindings[0], where, depth)
        if isinstance(expr, cst.Call):
            callee = dotted_name(expr.func)
            function = self._local_function(callee, scope) if callee else None
            if function is not None and len(function.returns) == 1 and not expr.args:
                return self.origins(function.returns[0], function.scope, depth + 1)
        return [(expr, scope, "")]

    def _binding_origins(self, binding: Binding, where: ScopeId, depth: int):
        if binding.kind is BindingKind.ASSIGN and isinstance(binding.value, cst.BaseExpression):
            value = binding.value
            if binding.index is not None:
                if isinstance(value, (cst.Tuple, cst.List)) and binding.index < len(value.elements):
                    value = value.elements[binding.index].value
                else:
                    return [(value, where, f"[{binding.index}]")]
            inner = self.origins(value, where, depth + 1)
            if inner is None:
                return None
            return [(e, s, how or binding.name) for e, s, how in inner]
        if binding.kind is BindingKind.PARAM and isinstance(binding.node, cst.Param):
            return self._param_origins(binding.node, where, depth)
        return None

    def _param_origins(self, param: cst.Param, scope: ScopeId, depth: int):
        function = self.facts.functions.get(scope)
        if function is None or param.star:
            return None
        sites = self.callers(function)
        if sites is None:
            return None
        label = function.parent[-1] if function.is_method and function.name == "__init__" else function.name
        return self._valued_param(function, param, sites, label, depth)

    def callers(self, function: Function) -> list[tuple[CallSite, int]] | None:
        """Every call of `function` in this file, constructor calls for an `__init__`; None when
        a caller cannot be told apart (a method called on another object, an `__init__` that a
        subclass may call with its own values)."""
        sites = self.calls_to(function)
        if not function.is_method:
            return sites
        cls = function.parent[-1]
        if function.name == "__init__":
            if self._is_subclassed(cls):
                return None
            return sites + [(call, 1) for call in self._calls_by_callee.get(cls, [])]
        suffix = "." + function.name
        if any(callee.endswith(suffix) and not callee.startswith("self.") for callee in self._calls_by_callee):
            return None
        return sites

    def _valued_param(self, function: Function, param: cst.Param, sites, label: str, depth: int):
        """The values `param` gets: the argument of every call site, its default where a call
        leaves it out or where the file never calls `function`. None when any is unknown."""
        default_how = f"default of {label}({param.name.value}=...)"
        if not sites:
            if param.default is None:
                return None
            inner = self.origins(param.default, function.parent, depth + 1)
            return None if inner is None else [(e, s, how or default_how) for e, s, how in inner]
        results: list[tuple[cst.BaseExpression, ScopeId, str]] = []
        for call, offset in sites:
            argument, ok = self.argument_for(function, param, call, offset)
            if not ok:
                return None
            if argument is not None:
                inner, how = self.origins(argument, call.scope, depth + 1), f"argument of {label}()"
            elif param.default is not None:
                inner, how = self.origins(param.default, function.parent, depth + 1), default_how
            else:
                return None
            if inner is None:
                return None
            results.extend((e, s, h or how) for e, s, h in inner)
        return results

    def _hyperparameter_origins(self, name: str, scope: ScopeId, depth: int):
        """`self.hparams.<name>` in a Lightning module: the `__init__` parameter that
        `self.save_hyperparameters()` stored, valued as that parameter is. None when unknown."""
        class_scope = self.class_scope_of(scope)
        init = self.facts.functions.get(class_scope + ("__init__",)) if class_scope else None
        if init is None:
            return None
        saves = [c for c in self.facts.calls if c.callee == "self.save_hyperparameters" and c.scope == init.scope]
        if len(saves) != 1 or saves[0].node.args:  # saving only named parameters is not followed
            return None
        param = next((p for p in init.params if p.name.value == name), None)
        return self._param_origins(param, init.scope, depth) if param is not None else None

    def _is_subclassed(self, class_name: str) -> bool:
        """Whether another class in the file derives from `class_name` (and may pass its own values)."""
        return any(base.rsplit(".", 1)[-1] == class_name for base in self.facts.class_bases)

    def _local_function(self, callee: str, scope: ScopeId) -> Function | None:
        if callee.startswith("self.") and callee.count(".") == 1:
            class_scope = self.class_scope_of(scope)
            if class_scope is None:
                return None
            return self.facts.functions.get(class_scope + (callee[5:],))
        found = self.lookup(scope, callee) if "." not in callee else None
        if found is None:
            return None
        where, bindings = found
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.DEF:
            return None
        return self.facts.functions.get(where + (callee,))

    def local_function(self, expr: cst.BaseExpression, scope: ScopeId) -> Function | None:
        callee = dotted_name(expr)
        return self._local_function(callee, scope) if callee else None

    # ---- numbers -------------------------------------------------------------
    def number(self, expr: cst.BaseExpression, scope: ScopeId, depth: int = 0) -> Value | None:
        if depth > _MAX_DEPTH:
            return None
        literal = literal_number(expr)
        if literal is not None:
            return Value(literal)
        if isinstance(expr, cst.UnaryOperation):
            inner = self.number(expr.expression, scope, depth + 1)
            if inner is None:
                return None
            if isinstance(expr.operator, cst.Minus):
                return Value(-inner.number, inner.source)
            if isinstance(expr.operator, cst.Plus):
                return inner
            return None
        if isinstance(expr, cst.BinaryOperation):
            left = self.number(expr.left, scope, depth + 1)
            right = self.number(expr.right, scope, depth + 1)
            if left is None or right is None:
                return None
            result = arithmetic(expr.operator, left.number, right.number)
            if result is None:
                return None
            source = self.facts.module.code_for_node(expr) if (left.source or right.source) else ""
            return Value(result, source)
        if isinstance(expr, cst.Attribute) and not (dotted_name(expr) or "").startswith("self."):
            return self._attribute_number(expr, scope, depth)
        if isinstance(expr, cst.Attribute) and dotted_name(expr.value) == "self.hparams":
            origins = self._hyperparameter_origins(expr.attr.value, scope, depth)
            return self._agree(origins, depth) if origins else None
        if isinstance(expr, cst.Subscript):
            return self._subscript_number(expr, scope, depth)
        if isinstance(expr, cst.Call):
            return self._call_number(expr, scope, depth)
        origins = self.origins(expr, scope, depth + 1)
        if not origins or any(e is expr for e, _, _ in origins):
            return None
        return self._agree(origins, depth, default_source=dotted_name(expr) or "")

    def _agree(self, origins, depth: int, default_source: str = "") -> Value | None:
        values = []
        for origin, where, how in origins:
            value = self.number(origin, where, depth + 1)
            if value is None:
                return None
            values.append(Value(value.number, value.source or how or default_source))
        if len({v.number for v in values}) != 1:
            return None
        return values[0]

    def _attribute_number(self, expr: cst.Attribute, scope: ScopeId, depth: int) -> Value | None:
        """`args.lr` (an argparse default), `cfg.lr` (a dataclass field default, a namespace or
        OmegaConf config built from a literal dict), `cfg.optim.lr` (nested)."""
        entries = self._attribute_entries(expr, scope, depth)
        return self._agree(entries, depth, default_source=dotted_name(expr) or "") if entries else None

    def _attribute_entries(self, expr: cst.Attribute, scope: ScopeId, depth: int):
        """(expression, scope, how) for every value `expr` can have; None when any is unknown."""
        if depth > _MAX_DEPTH:
            return None
        attr = expr.attr.value
        if isinstance(expr.value, cst.Attribute) and not (dotted_name(expr.value) or "").startswith("self."):
            outer = self._attribute_entries(expr.value, scope, depth + 1)  # cfg.optim, then .lr
            if not outer:
                return None
            found = [self._entry_of(origin, where, attr, how, depth) for origin, where, how in outer]
            return None if any(f is None for f in found) else found
        origins = self.origins(expr.value, scope, depth + 1)
        if not origins:
            annotated = self._annotated_class(expr.value, scope)
            if annotated is None:
                return None
            default = self._field_default(annotated, attr)
            return [(default, annotated, f"{annotated[-1]}.{attr} default")] if default is not None else None
        found = [self._entry_of(origin, where, attr, how, depth) for origin, where, how in origins]
        return None if any(f is None for f in found) else found

    def _entry_of(self, origin: cst.BaseExpression, where: ScopeId, attr: str, how: str, depth: int):
        """The value of attribute `attr` of the object `origin` builds, when the file says it."""
        if isinstance(origin, cst.Dict):  # a nested literal dict read by attribute (OmegaConf)
            entry = _literal_entry(origin, attr)
            return (entry, where, "") if entry is not None else None
        if not isinstance(origin, cst.Call):
            return None
        if self._is_parse_args(origin, how):
            options = [o for o in self.facts.argparse if o.dest == attr]
            if len(options) != 1 or options[0].default is None:
                return None
            option = options[0]
            flag = next((f for f in option.flags if f.startswith("--")), None) or (
                option.flags[0] if option.flags else attr
            )
            return option.default, option.scope, f"{flag} default"
        callee = dotted_name(origin.func) or ""
        keyword = next((a.value for a in origin.args if a.keyword is not None and a.keyword.value == attr), None)
        if self.imports.qualify(callee) in _NAMESPACES or callee.rsplit(".", 1)[-1] in _NAMESPACES:
            if keyword is not None:
                return keyword, where, ""
            for arg in origin.args:  # SimpleNamespace(**{...}), OmegaConf.create({...})
                source = self._literal_dict(arg.value, where, depth)
                if source is not None and (arg.keyword is None or arg.star == "**"):
                    entry = _literal_entry(source[0], attr)
                    if entry is not None:
                        return entry, source[1], ""
            return None
        found = self.lookup(where, callee) if "." not in callee else None
        if found and len(found[1]) == 1 and found[1][0].kind is BindingKind.CLASS:
            class_scope = found[0] + (callee,)
            if any(a.keyword is None or a.star for a in origin.args) and keyword is None:
                return None  # positional arguments: which field they set is not read here
            if keyword is not None:
                return keyword, where, f"{callee}({attr}=...)"
            default = self._field_default(class_scope, attr)
            return (default, class_scope, f"{callee}.{attr} default") if default is not None else None
        return None

    def _literal_dict(self, expr: cst.BaseExpression, scope: ScopeId, depth: int):
        if isinstance(expr, cst.Dict):
            return expr, scope
        origins = self.origins(expr, scope, depth + 1)
        if origins and len(origins) == 1 and isinstance(origins[0][0], cst.Dict):
            return origins[0][0], origins[0][1]
        return None

    def _annotated_class(self, expr: cst.BaseExpression, scope: ScopeId) -> ScopeId | None:
        """The scope of the local config class a parameter is annotated with (`cfg: TrainConfig`)."""
        if not isinstance(expr, cst.Name):
            return None
        found = self.lookup(scope, expr.value)
        if not found or len(found[1]) != 1 or found[1][0].kind is not BindingKind.PARAM:
            return None
        param = found[1][0].node
        annotation = param.annotation.annotation if isinstance(param, cst.Param) and param.annotation else None
        name = dotted_name(annotation) if annotation is not None else None
        if not name or "." in name:
            return None
        bindings = self.lookup(found[0], name)
        if not bindings or len(bindings[1]) != 1 or bindings[1][0].kind is not BindingKind.CLASS:
            return None
        return bindings[0] + (name,)

    def _field_default(self, class_scope: ScopeId, attr: str) -> cst.BaseExpression | None:
        """`lr: float = 3e-4` or `lr: float = field(default=3e-4)` in a dataclass-like config class."""
        node = self.facts.bindings_of(class_scope[:-1], class_scope[-1])
        if len(node) != 1 or not _is_config_class(node[0].node, self.imports):
            return None
        bindings = self.facts.bindings_of(class_scope, attr)
        if (
            len(bindings) != 1
            or bindings[0].kind is not BindingKind.ASSIGN
            or not isinstance(bindings[0].value, cst.BaseExpression)
        ):
            return None
        return field_default(bindings[0].value)

    @staticmethod
    def _is_parse_args(origin: cst.BaseExpression, how: str) -> bool:
        if not isinstance(origin, cst.Call):
            return False
        method = (dotted_name(origin.func) or "").rsplit(".", 1)[-1]
        return method == "parse_args" or (method == "parse_known_args" and how == "[0]")

    def _dict_entry(self, base: cst.BaseExpression, key: str, scope: ScopeId, depth: int):
        """(expression, scope) of `key` in the literal dict `base` resolves to; None if unknown."""
        origins = self.origins(base, scope, depth + 1)
        if not origins or len(origins) != 1:
            return None
        origin, where, _ = origins[0]
        if isinstance(origin, cst.Dict):
            entry = _literal_entry(origin, key)
            return (entry, where) if entry is not None else None
        if isinstance(origin, cst.Subscript):
            inner_key = _subscript_key(origin)
            if inner_key is not None:
                entry = self._dict_entry(origin.value, inner_key, where, depth + 1)
                if entry is not None:
                    return self._dict_entry(entry[0], key, entry[1], depth + 1)
        if isinstance(origin, cst.Call) and dotted_name(origin.func) == "dict":
            for arg in origin.args:
                if arg.keyword is not None and arg.keyword.value == key:
                    return arg.value, where
        return None

    def _is_literal_dict(self, expr: cst.BaseExpression, scope: ScopeId, depth: int) -> bool:
        origins = self.origins(expr, scope, depth + 1)
        if not origins or len(origins) != 1:
            return False
        origin = origins[0][0]
        return isinstance(origin, cst.Dict) or (isinstance(origin, cst.Call) and dotted_name(origin.func) == "dict")

    def _subscript_number(self, expr: cst.Subscript, scope: ScopeId, depth: int) -> Value | None:
        key = _subscript_key(expr)
        if key is None:
            return None
        entry = self._dict_entry(expr.value, key, scope, depth)
        if entry is None:
            return None
        value = self.number(entry[0], entry[1], depth + 1)
        if value is None:
            return None
        return Value(value.number, value.source or self.facts.module.code_for_node(expr))

    def _call_number(self, expr: cst.Call, scope: ScopeId, depth: int) -> Value | None:
        """`float(x)`, `min(a, b)`, `math.ceil(x)` (the inserted warmup length) and `cfg.get("lr", default)`."""
        if self.known:
            text = self.facts.module.code_for_node(expr.with_changes(lpar=[], rpar=[]))
            if text in self.known:
                return Value(self.known[text], text)
        callee = dotted_name(expr.func)
        if callee in ("float", "int") and len(expr.args) == 1:
            inner = self.number(expr.args[0].value, scope, depth + 1)
            if inner is None:
                return None
            return Value(float(int(inner.number)) if callee == "int" else inner.number, inner.source)
        function = _numeric_function(callee, self.imports, self.lookup(scope, callee or "") is not None)
        if function is not None and expr.args and not any(a.keyword or a.star for a in expr.args):
            values = [self.number(arg.value, scope, depth + 1) for arg in expr.args]
            if any(v is None for v in values):
                return None
            try:
                result = float(function(*(v.number for v in values if v is not None)))
            except (TypeError, ValueError, OverflowError):
                return None
            sourced = any(v.source for v in values if v is not None)
            return Value(result, self.facts.module.code_for_node(expr) if sourced else "")
        if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get" and expr.args:
            key = string_value(expr.args[0].value)
            if key is None:
                return None
            entry = self._dict_entry(expr.func.value, key, scope, depth)
            if entry is None:
                # The default counts only when the mapping is a literal dict known to lack the key;
                # for json.load(...), a parameter or any other unknown mapping it would be a guess.
                if len(expr.args) < 2 or not self._is_literal_dict(expr.func.value, scope, depth):
                    return None
                entry = (expr.args[1].value, scope)
            value = self.number(entry[0], entry[1], depth + 1)
            if value is None:
                return None
            return Value(value.number, value.source or self.facts.module.code_for_node(expr))
        return None


# Pure numeric functions a length or an LR is written with.
_NUMERIC_BUILTINS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs, "round": round}
_NUMERIC_MATH: dict[str, Callable[..., float]] = {
    "math.ceil": math.ceil,
    "math.floor": math.floor,
    "math.sqrt": math.sqrt,
}


def _numeric_function(callee: str | None, imports: ImportTable, bound_here: bool) -> Callable[..., float] | None:
    """The builtin or `math` function a call names, unless the file binds that name to something else."""
    if callee in _NUMERIC_BUILTINS:
        return None if bound_here else _NUMERIC_BUILTINS[callee]
    return _NUMERIC_MATH.get(imports.qualify(callee) or "")


# Constructors of attribute-access configs whose values are their keyword arguments or a literal dict.
_NAMESPACES = {
    "types.SimpleNamespace",
    "SimpleNamespace",
    "argparse.Namespace",
    "omegaconf.OmegaConf.create",
    "OmegaConf.create",
    "easydict.EasyDict",
    "EasyDict",
    "ml_collections.ConfigDict",
    "ConfigDict",
    "omegaconf.DictConfig",
    "DictConfig",
    "box.Box",
    "Box",
    "addict.Dict",
}
# Class decorators and bases that make class-level annotated values the instance's defaults.
_CONFIG_DECORATORS = {
    "dataclass",
    "dataclasses.dataclass",
    "attr.s",
    "attrs.define",
    "attr.define",
    "define",
    "pydantic.dataclasses.dataclass",
    "chz.chz",
}
_CONFIG_BASES = {
    "pydantic.BaseModel",
    "BaseModel",
    "pydantic_settings.BaseSettings",
    "BaseSettings",
    "typing.NamedTuple",
    "NamedTuple",
}


def _is_config_class(node: cst.CSTNode | None, imports: ImportTable) -> bool:
    if not isinstance(node, cst.ClassDef):
        return False
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = dotted_name(target) or ""
        if name in _CONFIG_DECORATORS or (imports.qualify(name) or "") in _CONFIG_DECORATORS:
            return True
    bases = {dotted_name(b.value) or "" for b in node.bases}
    return any(b in _CONFIG_BASES or (imports.qualify(b) or "") in _CONFIG_BASES for b in bases)


def field_default(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The default a dataclass field declares: `x` for `lr: float = x` and `field(default=x)`."""
    if isinstance(value, cst.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] == "field":
        return next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "default"), None)
    return value


def _literal_entry(node: cst.Dict, key: str) -> cst.BaseExpression | None:
    for element in node.elements:
        if isinstance(element, cst.DictElement) and string_value(element.key) == key:
            return element.value
    return None


def _subscript_key(expr: cst.Subscript) -> str | None:
    if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
        return None
    return string_value(expr.slice[0].slice.value)


def _entry_of(spread: cst.BaseExpression, key: str) -> cst.BaseExpression:
    """What `**spread` passes for the keyword `key`: `ns.key` for `vars(ns)`, else `spread["key"]`."""
    if isinstance(spread, cst.Call) and dotted_name(spread.func) == "vars" and len(spread.args) == 1:
        return cst.Attribute(value=spread.args[0].value, attr=cst.Name(key))
    return cst.Subscript(value=spread, slice=[cst.SubscriptElement(cst.Index(cst.SimpleString(repr(key))))])
