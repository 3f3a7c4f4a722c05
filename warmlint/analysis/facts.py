"""The raw facts the collector records in its one pass over a file.

They are syntactic: which names are bound where, which calls happen inside which
loops and branches, which param-group `lr` entries are written. `model.py` turns
them into the objects rules talk about (optimizers, schedulers, LR writes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import libcst as cst

ScopeId = tuple[str, ...]
MODULE_SCOPE: ScopeId = ("<module>",)


class BindingKind(enum.Enum):
    ASSIGN = "assign"  # `name = value`, `name: T = value`
    PARAM = "param"
    DEF = "def"
    CLASS = "class"
    LOOP = "loop"  # a `for` target; `value` is the iterable
    IMPORT = "import"
    OTHER = "other"  # `+=`, `:=`, `with ... as`, `except ... as`: no value the analysis reads


@dataclass
class Binding:
    """One place where `name` gets a value in a scope.

    `value` is the assigned expression; for tuple unpacking `index` is the
    position of the name in the target tuple.
    """

    name: str
    kind: BindingKind
    value: cst.CSTNode | None = field(default=None, repr=False)
    index: int | None = None
    node: cst.CSTNode | None = field(default=None, repr=False)
    order: int = 0  # position in source order, comparable with CallSite.order


@dataclass
class Loop:
    id: int
    node: cst.For | cst.While = field(repr=False)
    scope: ScopeId
    parent: int | None
    target_names: tuple[str, ...]
    iter_text: str  # source text of the iterable (For) or the test (While)
    order: int = 0


@dataclass
class Branch:
    """An enclosing `if`, and whether the node sits in its body or its else part."""

    test: cst.BaseExpression = field(repr=False)
    in_body: bool = True


@dataclass
class CallSite:
    node: cst.Call = field(repr=False)
    callee: str | None  # dotted name as written, e.g. "optim.SGD" or "optimizer.step"
    scope: ScopeId
    order: int
    loops: tuple[int, ...]
    branches: tuple[Branch, ...]
    targets: tuple[cst.BaseExpression, ...] = field(default=(), repr=False)  # what the call's result is assigned to
    statement: cst.SimpleStatementLine | None = field(default=None, repr=False)  # the line holding the call


@dataclass
class LrWrite:
    """`group["lr"] = value` where `group` comes from some `X.param_groups`."""

    node: cst.CSTNode = field(repr=False)  # the statement (for spans and edits)
    group: cst.BaseExpression = field(repr=False)  # e.g. Name g or opt.param_groups[0]
    value: cst.BaseExpression = field(repr=False)
    scope: ScopeId
    order: int
    loops: tuple[int, ...]
    branches: tuple[Branch, ...]
    augmented: bool = False  # `group["lr"] *= 0.1`


class ExitKind(enum.Enum):
    INCREMENT = "increment"  # `counter += ...`: a `while` loop ends when the counter reaches its bound
    BREAK = "break"


@dataclass(frozen=True)
class LoopExit:
    """A `counter += ...` or a `break`, and the loops and branches around it."""

    kind: ExitKind
    name: str | None  # the counter (`it`, `self.step`) of an increment
    scope: ScopeId
    loops: tuple[int, ...]
    branches: tuple[Branch, ...] = field(default=(), repr=False)


@dataclass
class Function:
    name: str
    node: cst.FunctionDef = field(repr=False)
    scope: ScopeId  # the function's own scope
    parent: ScopeId  # where it is defined
    params: list[cst.Param] = field(repr=False)
    is_method: bool
    returns: list[cst.BaseExpression] = field(default_factory=list, repr=False)


@dataclass
class ArgparseOption:
    dest: str
    flags: tuple[str, ...]
    default: cst.BaseExpression | None = field(repr=False)
    scope: ScopeId


@dataclass
class RawFacts:
    module: cst.Module
    bindings: dict[ScopeId, dict[str, list[Binding]]] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    lr_writes: list[LrWrite] = field(default_factory=list)
    loops: dict[int, Loop] = field(default_factory=dict)
    functions: dict[ScopeId, Function] = field(default_factory=dict)
    argparse: list[ArgparseOption] = field(default_factory=list)
    comments: list[cst.Comment] = field(default_factory=list)
    # The line part holding each comment (by the comment's id): what removing the comment edits.
    comment_holders: dict[int, cst.TrailingWhitespace | cst.EmptyLine] = field(default_factory=dict)
    attribute_stores: list[tuple[cst.Attribute, cst.BaseExpression, ScopeId]] = field(default_factory=list)
    class_bases: list[str] = field(default_factory=list)  # dotted names of all class bases
    # How often each name (and each `self.x`) occurs anywhere: an object whose names occur only
    # where the analysis saw them used cannot be used anywhere else.
    name_counts: dict[str, int] = field(default_factory=dict)
    subscript_stores: list[tuple[str, str, ScopeId]] = field(default_factory=list)  # `ckpt["key"] = ...`
    loop_exits: list[LoopExit] = field(default_factory=list)  # what bounds a loop: counters and breaks

    def bindings_of(self, scope: ScopeId, name: str) -> list[Binding]:
        return self.bindings.get(scope, {}).get(name, [])
