"""A config file's contents as read, with where each key and value stands in the text.

Both readers (YAML and JSON) produce these, so the facts and rules never see which syntax a
config was written in. Offsets are into the decoded text; lines and columns are 1-based.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scalar:
    """A string, number, boolean or null, and the exact text it is written as (`start`, `end`)."""

    value: str | int | float | bool | None
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class Entry:
    """One `key: value` of a mapping, with the key's position (where diagnostics point)."""

    key: str
    line: int
    column: int
    value: Node


@dataclass
class Mapping:
    """A mapping's entries in the order written; `block` is False for a flow (`{...}`, JSON) one."""

    entries: dict[str, Entry] = field(default_factory=dict)
    block: bool = False
    end: int = -1  # offset just after the last entry's value (where an entry is appended)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry.value if entry is not None else None


@dataclass
class Sequence:
    items: list[Node] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


def mappings(root: Node, budget: int = 100_000) -> list[Mapping]:
    """Every mapping in the document, outermost first; at most `budget` nodes are visited."""
    found: list[Mapping] = []
    pending: deque[Node] = deque([root])
    while pending and budget > 0:
        node = pending.popleft()
        budget -= 1
        if isinstance(node, Mapping):
            found.append(node)
            pending.extend(entry.value for entry in node.entries.values())
        elif isinstance(node, Sequence):
            pending.extend(node.items)
    return found
