"""The package's layers only point down, and no module imports itself back through others.

    entry points (api, flake8_plugin, __main__)
    cli, lsp
    verify, explain         verify runs a script; reads the static schedule from analysis/,
                            fixes with the engine and the project's settings for --compare,
                            draws with plot/; explain reports the schedule model, with verify's
                            static curve
    files, output           output prints what files and the engine found (it reads the
                            project's settings and repository root from files/)
    engine                  also configs.check and configs.fix: the config-file path's engine
    rules                   each rule's config check too, over configs.judging's shared parts
    fixes
    analysis                also the rest of configs/: reading YAML and JSON into facts, and
                            configs.judging (a config finding with its text edits)
    syntax                  CST helpers every layer uses
    plot                    draws LR curves from plain numbers
    diagnostics, config, rule_index, notebook: the plain data every layer passes on

A module may import its own layer and every layer below it. Imports under `if TYPE_CHECKING:`
name a type for an annotation and are not a dependency at run time, so they are left out.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "warmlint"

# Top to bottom; the longest matching prefix of a module's name gives its layer.
LAYERS: list[tuple[str, ...]] = [
    ("warmlint", "warmlint.__main__", "warmlint.api", "warmlint.flake8_plugin"),
    ("warmlint.cli", "warmlint.lsp"),
    ("warmlint.verify", "warmlint.explain"),
    ("warmlint.files", "warmlint.output"),
    ("warmlint.engine", "warmlint.configs.check", "warmlint.configs.fix"),
    ("warmlint.rules",),
    ("warmlint.fixes",),
    ("warmlint.analysis", "warmlint.configs"),
    ("warmlint.syntax",),
    ("warmlint.plot",),
    ("warmlint.diagnostics", "warmlint.config", "warmlint.rule_index", "warmlint.notebook"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    best, depth = None, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = index, prefix.count(".")
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@functools.cache  # each file parsed once for all the tests here
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules `module` imports at run time (at the top or inside a function)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    pending: list[ast.AST] = [tree_of(path)]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            pending += node.orelse
            continue
        pending += ast.iter_child_nodes(node)
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:  # `from pkg import module` imports the module, else pkg's name
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    # A package's own __init__ runs before any of its modules: not an edge of the graph.
    return {name for name in found if name in known and name != module and not module.startswith(name + ".")}


@functools.cache
def graph() -> dict[str, set[str]]:
    found = modules()
    return {module: imports_of(module, path, set(found)) for module, path in found.items()}


def test_every_module_is_in_a_layer():
    assert all(layer_of(module) is not None for module in modules())


def test_imports_only_point_down():
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph().items()
        for target in targets
        if layer_of(target) < layer_of(module)
    )
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


# output/ prints plain data: the diagnostics, the rule table, the project's settings and root.
OUTPUT_READS = ("warmlint.output", "warmlint.files.settings", "warmlint.files.ignore_files", *LAYERS[-1])


def test_output_reads_only_plain_data():
    wider = sorted(
        f"{module} imports {target}"
        for module, targets in graph().items()
        if module.startswith("warmlint.output")
        for target in targets
        if not any(target == p or target.startswith(p + ".") for p in OUTPUT_READS)
    )
    assert not wider, "\n".join(wider)


def test_the_walk_sees_the_imports_it_judges():
    """The test above cannot pass by reading nothing: a known import is found."""
    edges = graph()
    assert "warmlint.analysis.model" in edges["warmlint.rules.base"]
    assert "warmlint.fixes" in edges["warmlint.engine.lint"]
    assert layer_of("warmlint.cli.check") < layer_of("warmlint.engine.lint") < layer_of("warmlint.analysis.model")


def test_no_module_imports_another_modules_private_name():
    private = sorted(
        f"{module_name(path)} imports {node.module}.{alias.name}"
        for path in modules().values()
        for node in ast.walk(tree_of(path))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("warmlint")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    )
    assert not private, "\n".join(private)
