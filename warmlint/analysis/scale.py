"""How large the model an optimizer trains is, for the Adam-family thresholds.

A file may hold a transformer and, beside it, a two-layer MLP trained with Adam at 1e-2 (a test,
a toy baseline): the evidence that counts is the one of the model whose `.parameters()` the
optimizer receives. That model is followed from the optimizer's first argument to the calls
that build it; when the way there is lost (a factory in another module, a name bound twice),
the evidence of the whole file is used instead.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import libcst as cst

from warmlint.analysis import catalog
from warmlint.analysis.facts import BindingKind, CallSite, RawFacts, ScopeId
from warmlint.analysis.names import ImportTable, dotted_name
from warmlint.analysis.values import Resolver

_MAX_DEPTH = 6
_PARAMETER_METHODS = {"parameters", "named_parameters"}
_PASS_THROUGH = {"copy.deepcopy", "torch.compile", "torch.nn.parallel.DistributedDataParallel", "torch.nn.DataParallel"}


class ScaleEvidence(enum.Enum):
    """What the file shows of the model's scale."""

    TRANSFORMER = "builds a transformer"
    LARGE = "builds a large or pretrained backbone or trains with a large batch"
    NONE = "shows no scale evidence"
    UNKNOWN = "the model could not be followed"


_RANK = {ScaleEvidence.TRANSFORMER: 3, ScaleEvidence.LARGE: 2, ScaleEvidence.UNKNOWN: 1, ScaleEvidence.NONE: 0}


def strongest(evidence: list[ScaleEvidence]) -> ScaleEvidence:
    return max(evidence, key=_RANK.__getitem__, default=ScaleEvidence.NONE)


def call_evidence(qualified: str | None, callee: str | None) -> ScaleEvidence | None:
    """What one call says on its own: None when it says nothing (a plain layer, an unknown call)."""
    last = (callee or "").rsplit(".", 1)[-1]
    if (qualified and catalog.builds_transformer(qualified)) or catalog.is_transformer_class_name(last):
        return ScaleEvidence.TRANSFORMER
    if qualified and catalog.builds_large_backbone(qualified):
        return ScaleEvidence.LARGE
    return None


class ModelScale:
    """Follows an optimizer's parameters to the model that owns them."""

    def __init__(
        self, raw: RawFacts, imports: ImportTable, resolver: Resolver, qualified: Callable[[CallSite], str | None]
    ) -> None:
        self._raw = raw
        self._imports = imports
        self._resolver = resolver
        self._calls_in_scope: dict[ScopeId, list[CallSite]] = {}
        for call in raw.calls:
            self._calls_in_scope.setdefault(call.scope, []).append(call)
        self._qualified = qualified

    def of_optimizer(self, call: cst.Call, scope: ScopeId) -> ScaleEvidence:
        params = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "params"), None)
        owner = _parameters_owner(params) if params is not None else None
        if owner is None:
            return ScaleEvidence.UNKNOWN
        return self._of_expression(owner, scope, 0)

    def _of_expression(self, expr: cst.BaseExpression, scope: ScopeId, depth: int) -> ScaleEvidence:
        if depth > _MAX_DEPTH:
            return ScaleEvidence.UNKNOWN
        if isinstance(expr, cst.Name) and expr.value == "self":
            class_scope = self._resolver.class_scope_of(scope)
            return self._of_class(class_scope, depth) if class_scope else ScaleEvidence.UNKNOWN
        if isinstance(expr, cst.Call):
            return self._of_call(expr, scope, depth)
        if _is_literal(expr) or isinstance(expr, (cst.BinaryOperation, cst.UnaryOperation)):
            return ScaleEvidence.NONE  # a width or a flag, not a module
        origins = self._resolver.origins(expr, scope)
        if not origins or any(origin is expr for origin, _, _ in origins):
            return ScaleEvidence.UNKNOWN
        return strongest([self._of_expression(origin, where, depth + 1) for origin, where, _ in origins])

    def _of_call(self, call: cst.Call, scope: ScopeId, depth: int) -> ScaleEvidence:
        callee = dotted_name(call.func)
        qualified = self._imports.qualify(callee) if callee else None
        said = call_evidence(qualified, callee)
        if said is not None:
            return said
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("to", "cuda", "cpu", "train"):
            return self._of_expression(call.func.value, scope, depth + 1)  # model.to(device)
        arguments = [a.value for a in call.args]
        if qualified in _PASS_THROUGH or (qualified or "").startswith("torch.nn."):
            # a container or a plain layer: as large as what it holds
            return strongest([self._of_expression(a, scope, depth + 1) for a in arguments if not _is_literal(a)])
        local_class = self._local_class(callee, scope) if callee else None
        if local_class is not None:
            return self._of_class(local_class, depth)
        if callee and catalog.is_small_class_name(callee.rsplit(".", 1)[-1]):
            return ScaleEvidence.NONE  # an imported class whose name says it is small
        return ScaleEvidence.UNKNOWN

    def _local_class(self, callee: str, scope: ScopeId) -> ScopeId | None:
        if "." in callee:
            return None
        found = self._resolver.lookup(scope, callee)
        if found is None or len(found[1]) != 1 or found[1][0].kind is not BindingKind.CLASS:
            return None
        return found[0] + (callee,)

    def _of_class(self, class_scope: ScopeId, depth: int) -> ScaleEvidence:
        """A class defined here is as large as the layers its body builds (bases checked too)."""
        node = self._class_node(class_scope)
        bases = [dotted_name(b.value) for b in node.bases] if node is not None else []
        said_by_bases = [e for d in bases if d and (e := call_evidence(self._imports.qualify(d), d)) is not None]
        if said_by_bases:  # `class Model(PreTrainedModel)`: the base says it
            return strongest(said_by_bases)
        evidence = []
        for scope, calls in self._calls_in_scope.items():
            if scope[: len(class_scope)] != class_scope:
                continue
            for site in calls:
                said = call_evidence(self._qualified(site), site.callee)
                if said is not None:
                    evidence.append(said)
                elif (
                    site.callee
                    and (inner := self._local_class(site.callee, site.scope))
                    and inner != class_scope
                    and depth < _MAX_DEPTH
                ):
                    evidence.append(self._of_class(inner, depth + 1))
        return strongest(evidence)

    def _class_node(self, class_scope: ScopeId) -> cst.ClassDef | None:
        bindings = self._raw.bindings_of(class_scope[:-1], class_scope[-1])
        node = bindings[0].node if len(bindings) == 1 else None
        return node if isinstance(node, cst.ClassDef) else None


def _parameters_owner(params: cst.BaseExpression) -> cst.BaseExpression | None:
    """`model` in `model.parameters()`, `filter(f, model.parameters())`, `[p for p in model.parameters()]`."""
    found: list[cst.BaseExpression] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in _PARAMETER_METHODS:
                found.append(node.func.value)

    params.visit(Finder())
    if len(found) == 1:
        return found[0]
    owners = {dotted_name(f) for f in found}  # `model.a.parameters()` and `model.b.parameters()`: one model
    return found[0] if len(owners) == 1 and None not in owners else None


def _is_literal(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.Integer, cst.Float, cst.SimpleString, cst.Name)) and (
        not isinstance(expr, cst.Name) or expr.value in ("True", "False", "None")
    )
