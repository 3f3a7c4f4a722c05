"""YAML config files, read with ruamel.yaml's round-trip loader (an optional extra, `[yaml]`).

The round-trip loader records the line and column of every key and value, which is what
diagnostics point at and fixes edit; it builds plain Python values and never constructs objects
from tags. Aliases share one object, so each is visited once: an alias bomb stays as small as its
text. Without ruamel.yaml, YAML files are not read (`available()` says so).
"""

from __future__ import annotations

import re
from typing import Any

from warmlint.configs.errors import ConfigReadError
from warmlint.configs.positions import Lines
from warmlint.configs.tree import Entry, Mapping, Node, Scalar, Sequence

MAX_NODES = 200_000  # far more than any training config holds
MAX_FLOW_DEPTH = 100  # `[[[...]]]` nesting; ruamel.yaml takes minutes on 100,000 levels
_BRACKET = re.compile(r"[\[\]{}]")
_PLAIN_BLOCK = re.compile(r"[^\n#]*?(?=[ \t]+#|[ \t]*$)", re.M)
_PLAIN_FLOW = re.compile(r"[^\n#,\]\}]*?(?=[ \t]+#|[ \t]*[,\]\}]|[ \t]*$)", re.M)


def available() -> bool:
    try:
        import ruamel.yaml  # noqa: F401
    except ImportError:
        return False
    return True


def read_yaml(text: str) -> Node:
    """Every document of the file (a file with one document gives a one-item sequence)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if _flow_depth(text) > MAX_FLOW_DEPTH:
        raise ConfigReadError(f"cannot parse YAML: brackets nested deeper than {MAX_FLOW_DEPTH} levels")
    loader = YAML(typ="rt")
    try:
        documents = list(loader.load_all(text))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        reason = error.problem or error.context or "invalid YAML"
        raise ConfigReadError(f"cannot parse YAML: {reason}{where}") from None
    except YAMLError as error:
        raise ConfigReadError(f"cannot parse YAML: {str(error).splitlines()[0]}") from None
    except RecursionError:
        raise ConfigReadError("cannot parse YAML: nested too deeply") from None
    return _Converter(text).convert_documents(documents)


def _flow_depth(text: str) -> int:
    """How deep `[` and `{` nest (brackets inside quoted strings count too: an upper bound)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(text):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class _Converter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = Lines(text)
        self.seen: dict[int, Node] = {}
        self.nodes = 0

    def convert_documents(self, documents: list[Any]) -> Sequence:
        root = Sequence()
        for document in documents:
            if isinstance(document, (dict, list)):
                root.items.append(self.container(document))
        return root

    def container(self, data: Any) -> Node:
        """A mapping or sequence; one reached again through an alias is the node already built."""
        known = self.seen.get(id(data))
        if known is not None:
            return known
        if isinstance(data, dict):
            mapping = Mapping(block=not data.fa.flow_style())  # type: ignore[attr-defined]
            self.seen[id(data)] = mapping
            self._fill_mapping(data, mapping)
            return mapping
        sequence = Sequence()
        self.seen[id(data)] = sequence
        for index, item in enumerate(data):
            sequence.items.append(self.child(item, _position(data.lc.item, index), flow=False))
        return sequence

    def _fill_mapping(self, data: Any, node: Mapping) -> None:
        for key, value in data.items():
            key_at = _position(data.lc.key, key)
            value_at = _position(data.lc.value, key)
            if key_at is None or value_at is None:
                continue  # merged in from elsewhere (`<<: *defaults`): not written here
            child = self.child(value, value_at, flow=not node.block)
            node.entries[str(key)] = Entry(str(key), key_at[0] + 1, key_at[1] + 1, child)
            if isinstance(child, Scalar):
                node.end = max(node.end, child.end)

    def child(self, value: Any, position: tuple[int, int] | None, flow: bool) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ConfigReadError(f"cannot read YAML: more than {MAX_NODES} values")
        if isinstance(value, (dict, list)):
            return self.container(value)
        if position is None:
            return Scalar(_plain(value), -1, -1, 0, 0)
        start = self.lines.offset(position[0] + 1, position[1] + 1)
        return Scalar(_plain(value), start, self._scalar_end(start, flow), position[0] + 1, position[1] + 1)

    def _scalar_end(self, start: int, flow: bool) -> int:
        """Where the scalar's text ends on its line: after the closing quote, or before a comment."""
        text = self.text
        if start >= len(text):
            return start
        quote = text[start]
        if quote in "\"'":
            at = start + 1
            while at < len(text):
                if quote == '"' and text[at] == "\\":
                    at += 2
                    continue
                if text[at] == quote:
                    if quote == "'" and text.startswith("''", at):
                        at += 2
                        continue
                    return at + 1
                at += 1
            return start
        match = (_PLAIN_FLOW if flow else _PLAIN_BLOCK).match(text, start)
        return match.end() if match else start


def _position(read, key: Any) -> tuple[int, int] | None:
    """ruamel's 0-based (line, column) of a key, value or item; None where it has none."""
    try:
        line, column = read(key)
    except (KeyError, IndexError, AttributeError, TypeError):
        return None
    return line, column


def _plain(value: Any) -> str | int | float | bool | None:
    """ruamel's scalar types (ScalarFloat, quoted strings...) as plain Python values."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
