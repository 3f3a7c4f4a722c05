"""The package layout keeps its promises: torch is imported only by the code that runs in the user's process."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "warmlint"
CHILD = PACKAGE / "verify" / "child"


def imported_modules(source: Path) -> set[str]:
    """Every module an `import` or `from ... import` anywhere in the file names (function bodies included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_bytes(), filename=str(source))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_only_the_child_package_imports_torch():
    offenders = sorted(
        str(source.relative_to(PACKAGE))
        for source in PACKAGE.rglob("*.py")
        if CHILD not in source.parents
        and any(name == "torch" or name.startswith("torch.") for name in imported_modules(source))
    )
    assert offenders == []


def test_the_check_finds_torch_in_the_child():
    """Guards the test above against scanning nothing."""
    assert "torch" in imported_modules(CHILD / "session.py")
