"""Which framework object a name holds, so that a framework's methods are read only on its own
objects: `fabric.setup(model, optimizer)` returns the optimizer, a generic `.setup()` does not."""

from __future__ import annotations

import libcst as cst

from warmlint.analysis.facts import BindingKind, ScopeId
from warmlint.analysis.names import ImportTable, dotted_name
from warmlint.analysis.values import Resolver

FABRIC, ACCELERATE = "fabric", "accelerate"

_CLASSES = {
    "lightning.Fabric": FABRIC,
    "lightning.fabric.Fabric": FABRIC,
    "lightning_fabric.Fabric": FABRIC,
    "lightning.fabric.fabric.Fabric": FABRIC,
    "accelerate.Accelerator": ACCELERATE,
}
# Methods that return the optimizer they receive (wrapped): its names flow through them.
_WRAPPING = {FABRIC: {"setup", "setup_optimizers"}, ACCELERATE: {"prepare", "prepare_optimizer"}}
# Methods that receive the optimizer and leave its LR alone.
_LEAVE_LR_ALONE = {
    FABRIC: {"backward", "clip_gradients", "save", "load", "print", "log", "log_dict", "barrier", "no_backward_sync"},
    ACCELERATE: {
        "backward",
        "clip_grad_norm_",
        "clip_grad_value_",
        "save_state",
        "load_state",
        "save",
        "register_for_checkpointing",
        "unscale_gradients",
        "print",
        "log",
        "accumulate",
    },
}
# Wrapping methods recognised on any receiver: distinctive enough to be read without knowing it.
_GENERIC_WRAPPING = {"prepare", "prepare_optimizer", "initialize"}


class Frameworks:
    def __init__(self, resolver: Resolver, imports: ImportTable) -> None:
        self._resolver = resolver
        self._imports = imports

    def kind_of(self, expr: cst.BaseExpression, scope: ScopeId) -> str | None:
        """FABRIC or ACCELERATE when every binding of the name builds or annotates that object."""
        dotted = dotted_name(expr)
        if dotted is None or not (isinstance(expr, cst.Name) or dotted.startswith("self.")):
            return None
        found = self._resolver.lookup(scope, dotted)
        if found is None:
            return None
        kinds = set()
        for binding in found[1]:
            source = None
            if binding.kind is BindingKind.ASSIGN and isinstance(binding.value, cst.Call):
                source = dotted_name(binding.value.func)
            elif binding.kind is BindingKind.PARAM and isinstance(binding.node, cst.Param) and binding.node.annotation:
                source = dotted_name(binding.node.annotation.annotation)
            kinds.add(_CLASSES.get(self._imports.qualify(source) or "") if source else None)
        return kinds.pop() if len(kinds) == 1 else None

    def _method(self, call: cst.Call, scope: ScopeId) -> tuple[str | None, str] | None:
        if not isinstance(call.func, cst.Attribute):
            return None
        return self.kind_of(call.func.value, scope), call.func.attr.value

    def wraps(self, call: cst.Call, scope: ScopeId) -> bool:
        """The call returns the objects it receives (`accelerator.prepare`, `fabric.setup`)."""
        method = self._method(call, scope)
        if method is None:
            return False
        kind, name = method
        return name in _GENERIC_WRAPPING or (kind is not None and name in _WRAPPING[kind])

    def leaves_lr_alone(self, call: cst.Call, scope: ScopeId) -> bool:
        method = self._method(call, scope)
        return method is not None and method[0] is not None and method[1] in _LEAVE_LR_ALONE[method[0]]
