"""Add the imports a fix needs where isort (and ruff's `I` rules) would put them.

The imports at the top of a module form blocks separated by blank lines; a block holds one
section (the standard library, or everything else), or in files isort never ran on, several.
A new import goes into the first block with its section, in sorted order (`import x` lines
before `from x import y` lines, each by module), a new name into an existing
`from module import ...` in sorted order. When the section has no block yet, the import starts
one: the standard library before the others, the others after.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import cast

import libcst as cst

from warmlint.fixes.edits import appended
from warmlint.syntax import code_of


class Section(IntEnum):
    FUTURE = 0
    STDLIB = 1
    OTHER = 2  # third-party and first-party: a single script cannot tell them apart


def add_imports(module: cst.Module, needed: list[tuple[str, str | None]]) -> cst.Module:
    """`module` with `import <module>` (name None) or `from <module> import <name>` for each entry."""
    for module_name, name in dict.fromkeys(needed):
        module = _add(module, module_name, name)
    return module


def _section(module_name: str) -> Section:
    top = module_name.split(".")[0]
    if top == "__future__":
        return Section.FUTURE
    return Section.STDLIB if top in sys.stdlib_module_names else Section.OTHER


def _import_of(statement: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _module_of(node: cst.Import | cst.ImportFrom) -> str:
    if isinstance(node, cst.Import):
        return code_of(node.names[0].name)
    return "." * len(node.relative) + (code_of(node.module) if node.module else "")


def _sort_key(node: cst.Import | cst.ImportFrom) -> tuple[int, str]:
    """isort's order in a section: `import x` lines first, then `from x import y`, each by module."""
    return (0 if isinstance(node, cst.Import) else 1, _module_of(node).lower())


AnyImport = cst.Import | cst.ImportFrom


def _header(module: cst.Module) -> list[tuple[int, AnyImport]]:
    """The import statements before the first other statement (a docstring aside), by index."""
    found = []
    for index, statement in enumerate(module.body):
        node = _import_of(statement)
        if node is not None:
            found.append((index, node))
        elif not (index == 0 and _is_docstring(statement)):
            break
    return found


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _blocks(module: cst.Module) -> list[list[tuple[int, AnyImport]]]:
    """The header's imports, split where a blank line (or a comment) starts a new block."""
    blocks: list[list[tuple[int, AnyImport]]] = []
    for index, node in _header(module):
        if not blocks or blocks[-1][-1][0] != index - 1 or module.body[index].leading_lines:
            blocks.append([(index, node)])
        else:
            blocks[-1].append((index, node))
    return blocks


def _already(module: cst.Module, module_name: str, name: str | None) -> cst.ImportFrom | bool:
    """True when the import is there; the `from module import ...` to add `name` to, if any."""
    target = None
    for _, node in _header(module):
        if name is None and isinstance(node, cst.Import):
            if any(code_of(alias.name) == module_name and alias.asname is None for alias in node.names):
                return True
        if name is not None and isinstance(node, cst.ImportFrom) and _module_of(node) == module_name:
            if isinstance(node.names, cst.ImportStar):
                continue
            if any(code_of(alias.name) == name and alias.asname is None for alias in node.names):
                return True
            target = target or node
    return target or False


def _add(module: cst.Module, module_name: str, name: str | None) -> cst.Module:
    found = _already(module, module_name, name)
    if found is True:
        return module
    if isinstance(found, cst.ImportFrom) and name is not None:
        return cast(cst.Module, module.deep_replace(found, _with_name(found, name)))
    code = f"import {module_name}\n" if name is None else f"from {module_name} import {name}\n"
    new = cast(cst.SimpleStatementLine, cst.parse_statement(code))
    key = _sort_key(cast(AnyImport, new.body[0]))
    section = _section(module_name)
    body = list(module.body)
    blocks = _blocks(module)
    # The first block with an import of the section (a block that mixes sections is left as it is).
    same = [b for b in blocks if any(_section(_module_of(node)) == section for _, node in b)]
    if same:
        block = same[0]
        position = next((index for index, node in block if _sort_key(node) > key), None)
        if position is None:
            body.insert(block[-1][0] + 1, new)
        elif position == block[0][0]:  # the new first line takes over the block's leading lines
            body[position] = body[position].with_changes(leading_lines=())
            body.insert(position, new.with_changes(leading_lines=module.body[position].leading_lines))
        else:
            body.insert(position, new)
        return module.with_changes(body=body)
    later = [b for b in blocks if _section(_module_of(b[0][1])) > section]
    if later:  # a new block in front of the later sections
        first = later[0][0][0]
        body[first] = body[first].with_changes(leading_lines=[cst.EmptyLine()])
        body.insert(first, new.with_changes(leading_lines=module.body[first].leading_lines))
    elif blocks:  # a new block after the earlier sections
        body.insert(blocks[-1][-1][0] + 1, new.with_changes(leading_lines=[cst.EmptyLine()]))
    else:
        body.insert(1 if body and _is_docstring(body[0]) else 0, new)
    return module.with_changes(body=body)


def _with_name(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    alias = cst.ImportAlias(cst.Name(name))
    assert not isinstance(node.names, cst.ImportStar)  # `_already` skips star imports
    names = list(node.names)
    if node.lpar is not None:  # parenthesized, maybe one per line: keep its layout
        return node.with_changes(names=appended(names, alias))
    names.append(alias)
    names.sort(key=lambda a: code_of(a.name))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    separated = [alias.with_changes(comma=comma) for alias in names[:-1]]
    return node.with_changes(names=[*separated, names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
