"""The rules as they declare themselves, and the parser-free index written from them.

`python -m warmlint.engine.declarations` rewrites the table in warmlint/rule_index.py after a rule
is added or its declaration changes; tests/test_rule_docs.py fails while the two differ.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

from warmlint.engine.lint import SYNTAX_ERROR
from warmlint.engine.suppressions import INVALID_SUPPRESSION, UNUSED_SUPPRESSION
from warmlint.rule_index import RuleInfo

_INDEX = Path(__file__).resolve().parent.parent / "rule_index.py"
_BLOCK = re.compile(r"(# BEGIN generated[^\n]*\n)(.*?)(# END generated)", re.S)


def declared() -> list[RuleInfo]:
    """Every built-in rule's declaration, by code: the engine's own three and each rule module's `RULE`."""
    import warmlint.rules as package

    rules = [SYNTAX_ERROR, INVALID_SUPPRESSION, UNUSED_SUPPRESSION]
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("wl"):
            rules.append(importlib.import_module(f"{package.__name__}.{module.name}").RULE)
    return sorted(rules, key=lambda info: info.code)


def index_source(rules: list[RuleInfo]) -> str:
    """The `_ENTRIES = (...)` block of warmlint/rule_index.py for these rules."""
    lines = ["_ENTRIES = ("]
    for info in rules:  # one field per line, with a trailing comma: the layout `ruff format` keeps
        fields = [json.dumps(info.code), json.dumps(info.name), json.dumps(info.summary)]
        fields += ["fixable=True"] if info.fixable else []
        lines += ["    RuleInfo(", *(f"        {field}," for field in fields), "    ),"]
    return "\n".join([*lines, ")"]) + "\n"


def written_index() -> str:
    """The block as it stands in warmlint/rule_index.py."""
    match = _BLOCK.search(_INDEX.read_text(encoding="utf-8"))
    assert match, "warmlint/rule_index.py lost its generated block"
    return match.group(2)


def write_index() -> None:
    text = _INDEX.read_text(encoding="utf-8")
    block = index_source(declared())
    _INDEX.write_text(_BLOCK.sub(lambda m: m.group(1) + block + m.group(3), text), encoding="utf-8")


if __name__ == "__main__":
    write_index()
