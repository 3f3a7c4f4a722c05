"""Qualified names from the file's own imports.

libcst's QualifiedNameProvider is exact but costs several times the parse itself;
an import table built during the one collecting pass answers the questions the
rules ask ("is this call torch.optim.SGD?") at almost no cost. Everything that
needs a qualified name goes through `ImportTable.qualify`, so the strategy can be
swapped in one place.
"""

from __future__ import annotations

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


class ImportTable:
    """Maps a name bound by an import to the dotted module path it stands for."""

    def __init__(self) -> None:
        self._bound: dict[str, str] = {}

    def add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bound[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                self._bound.setdefault(head, head)

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module)
        if module is None:
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._bound[local] = f"{module}.{alias.name.value}"

    def qualify(self, dotted: str | None) -> str | None:
        """Qualified name of a dotted expression, or None when its head is not imported."""
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self._bound.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def local_name_for(self, qualified: str) -> str | None:
        """A name this file binds to exactly `qualified`, if any."""
        return next((local for local, full in self._bound.items() if full == qualified), None)

    def imports_from(self, module: str) -> bool:
        """True when some `from <module> import X` exists (the file's style for that module)."""
        return any(full.rpartition(".")[0] == module and local != module for local, full in self._bound.items())
