"""Decide from a file's bytes alone whether it can hold anything warmlint looks at.

Every rule starts from an optimizer, a scheduler or a param-group write, so a
file that names none of them cannot produce a finding and is not parsed. The
words are substrings on purpose: `optim` covers `torch.optim`, `optimizer`,
`configure_optimizers`, apex and bitsandbytes; `schedul` covers every scheduler
module and factory; `AdamW` covers `from transformers import AdamW`; `warmup`
covers pytorch_warmup; `TrainingArguments` and `learning_rate` cover Trainer
configs; a DeepSpeed config dict holds `"scheduler"`. Files named explicitly on
the command line are always parsed, so a syntax error in them is still reported
(WL000).

Files that pass go through a second test on CPython's syntax tree
(`builds_what_rules_need`) before the far costlier libcst parse and analysis.
"""

from __future__ import annotations

import ast

from warmlint.analysis import catalog

_DEEPSPEED_SCHEDULERS = frozenset({"WarmupLR", "WarmupDecayLR", "WarmupCosineLR"})
_WORDS = (b"optim", b"schedul", b"param_groups", b"AdamW", b"warmup", b"TrainingArguments", b"learning_rate")


def may_matter(data: bytes) -> bool:
    # Plain substring tests: several times faster than one regular expression with alternatives.
    return any(word in data for word in _WORDS)


def builds_what_rules_need(data: bytes) -> bool:
    """The second, still cheap, test: CPython's own parser (in C, several times faster than
    libcst) says whether the file constructs an optimizer or a scheduler, or writes a `["lr"]`,
    with names qualified by the file's imports exactly as warmlint.analysis.names does.
    Only files that do are parsed with libcst. A file CPython cannot parse goes on, so
    that the full parse reports it."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    bound: dict[str, set[str]] = {}
    calls: list[str] = []  # dotted callees, and the bases of classes (a Trainer config subclass)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                bound.setdefault(local, set()).add(alias.name if alias.asname else local)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound.setdefault(alias.asname or alias.name, set()).add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if dotted:
                calls.append(dotted)
        elif isinstance(node, ast.ClassDef):
            calls += [dotted for base in node.bases if (dotted := _dotted(base))]
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "lr":
            return True
        elif isinstance(node, ast.Constant) and node.value in _DEEPSPEED_SCHEDULERS:
            return True  # a DeepSpeed config dict in the script
    return any(_is_rule_object(qualified) for dotted in calls for qualified in _qualified(dotted, bound))


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _qualified(dotted: str, bound: dict[str, set[str]]) -> list[str]:
    head, _, rest = dotted.partition(".")
    return [f"{base}.{rest}" if rest else base for base in bound.get(head, ())]


def _is_rule_object(qualified: str) -> bool:
    return (
        catalog.optimizer_family(qualified) is not None
        or catalog.is_scheduler(qualified)
        or catalog.is_trainer_config(qualified)
    )
