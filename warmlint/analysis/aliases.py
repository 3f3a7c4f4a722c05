"""Where a name flows, computed once per file.

Following one optimizer means growing its set of names: `b = a`, `f(a)` into a parameter,
`return a` into the caller's target. Each of these steps depends only on the file, not on the
object, so the file is read once into an index "if this name is an alias, so are those"; each
object then walks only its own names. Without it, tracking costs objects x file size, which is
quadratic in a file that holds many training scripts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

import libcst as cst

from warmlint.analysis.facts import Binding, BindingKind, RawFacts, ScopeId
from warmlint.analysis.values import Resolver

Key = tuple[ScopeId, str]  # a name as bound in one scope
KeyOf = Callable[[cst.BaseExpression, ScopeId], "Key | None"]


def refs_in(expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The expression, or each element of a list/tuple/set/dict literal, recursively."""
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        for element in expr.elements:
            yield from refs_in(element.value)
    elif isinstance(expr, cst.Dict):
        for entry in expr.elements:
            if isinstance(entry, cst.DictElement):
                yield from refs_in(entry.value)
    else:
        yield expr


def argument_refs(call: cst.Call) -> Iterator[cst.BaseExpression]:
    """Name-like expressions passed to a call, directly or inside list/tuple/dict literals."""
    for arg in call.args:
        yield from refs_in(arg.value)


Wraps = Callable[[cst.Call, ScopeId], bool]  # the call returns the objects it receives


class AliasIndex:
    """Name-to-name flows, returns and uses of every name in a file, keyed by (scope, name)."""

    def __init__(self, raw: RawFacts, resolver: Resolver, key_of: KeyOf, wraps: Wraps) -> None:
        self.flows: dict[Key, list[Key]] = defaultdict(list)  # if the key is an alias, so are these
        self.returned: dict[Key, list[tuple[cst.BaseExpression, ScopeId]]] = defaultdict(list)
        self.lightning_keys: set[Key] = set()  # returned from configure_optimizers
        self.lightning_nodes: set[int] = set()  # calls written inside configure_optimizers' return
        # configure_optimizers' only return value, when it is one name (`return optimizer`).
        self.lightning_alone: dict[Key, cst.BaseExpression] = {}
        # ... or one construction (`return AdamW(self.parameters(), lr=1e-3)`), by the call's id.
        self.lightning_alone_calls: dict[int, cst.Call] = {}
        self.method_calls: dict[Key, list[int]] = defaultdict(list)  # receiver -> indexes in raw.calls
        self.arguments: dict[Key, list[int]] = defaultdict(list)  # passed name -> indexes in raw.calls
        self.receiver: dict[int, Key] = {}  # index in raw.calls -> its receiver's key
        self.stores: dict[Key, list[int]] = defaultdict(list)  # value -> indexes in raw.attribute_stores
        self._key_of = key_of
        self._wraps = wraps
        self._index_bindings(raw)
        self._index_calls(raw, resolver)
        self._index_returns(raw)
        self._index_stores(raw)

    def _add(self, table: dict, expr: cst.BaseExpression | None, scope: ScopeId, item) -> None:
        key = self._key_of(expr, scope) if expr is not None else None
        if key is not None and item not in table[key]:
            table[key].append(item)

    def _index_bindings(self, raw: RawFacts) -> None:
        for scope, names in raw.bindings.items():
            for name, bindings in names.items():
                for binding in bindings:
                    for source in _binding_sources(binding, scope, self._wraps):
                        self._add(self.flows, source, scope, (scope, name))

    def _index_calls(self, raw: RawFacts, resolver: Resolver) -> None:
        for position, call in enumerate(raw.calls):
            function = resolver.local_function(call.node.func, call.scope)
            if function is not None:
                offset = 1 if function.is_method else 0
                for param in function.params:
                    argument, ok = resolver.argument_for(function, param, call, offset)
                    if ok:
                        self._add(self.flows, argument, call.scope, (function.scope, param.name.value))
            if isinstance(call.node.func, cst.Attribute):
                key = self._key_of(call.node.func.value, call.scope)
                if key is not None:
                    self.receiver[position] = key
                    self.method_calls[key].append(position)
            for ref in argument_refs(call.node):
                self._add(self.arguments, ref, call.scope, position)

    def _index_returns(self, raw: RawFacts) -> None:
        for function in raw.functions.values():
            for value in function.returns:
                if function.name == "configure_optimizers":
                    alone = self._key_of(value, function.scope) if len(function.returns) == 1 else None
                    if alone is not None and isinstance(value, cst.Name):
                        self.lightning_alone[alone] = value
                    if isinstance(value, cst.Call) and len(function.returns) == 1:
                        self.lightning_alone_calls[id(value)] = value
                    for ref in refs_in(value):
                        self.lightning_nodes.add(id(ref))
                        key = self._key_of(ref, function.scope)
                        if key is not None:
                            self.lightning_keys.add(key)
                    continue
                for element in refs_in(value):
                    self._add(self.returned, element, function.scope, (element, function.scope))

    def _index_stores(self, raw: RawFacts) -> None:
        for position, (_, value, scope) in enumerate(raw.attribute_stores):
            for ref in refs_in(value):
                self._add(self.stores, ref, scope, position)

    def uses(self, aliases: set[Key]) -> tuple[list[int], list[int]]:
        """Indexes in raw.calls of calls on an alias (`alias.step()`), and of calls it is passed to."""
        candidates = sorted(
            {p for key in aliases for table in (self.method_calls, self.arguments) for p in table.get(key, ())}
        )
        methods = [p for p in candidates if self.receiver.get(p) in aliases]
        passed = [p for p in candidates if self.receiver.get(p) not in aliases]
        return methods, passed

    def stored(self, aliases: set[Key]) -> list[int]:
        """Indexes in raw.attribute_stores whose value holds an alias."""
        return sorted({p for key in aliases for p in self.stores.get(key, ())})


def _binding_sources(binding: Binding, scope: ScopeId, wraps: Wraps) -> list[cst.BaseExpression]:
    """The expressions whose object `binding` names: `b = a`, `b = acc.prepare(a)`, `x, b = p, a`."""
    if binding.kind is not BindingKind.ASSIGN or not isinstance(binding.value, cst.BaseExpression):
        return []
    value = binding.value
    wrapped = (
        [a.value for a in value.args if a.keyword is None]
        if isinstance(value, cst.Call) and wraps(value, scope)
        else None
    )
    if binding.index is None:
        return [value] + (wrapped if wrapped is not None and len(wrapped) == 1 else [])
    if isinstance(value, (cst.Tuple, cst.List)):
        return [value.elements[binding.index].value] if binding.index < len(value.elements) else []
    if wrapped is not None and binding.index < len(wrapped):
        return [wrapped[binding.index]]
    return []
