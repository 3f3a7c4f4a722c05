"""JSON config files: the stdlib checks and decodes, a small scanner finds where each key stands.

`json.loads` (in C) rejects what is not JSON with its own line and column; only then does the
scanner walk the text once more to record the offsets of keys and scalar values, which the
standard library does not give.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped in typeshed

from warmlint.configs.errors import ConfigReadError
from warmlint.configs.positions import Lines
from warmlint.configs.tree import Entry, Mapping, Node, Scalar, Sequence

MAX_DEPTH = 200  # nesting a training config never comes near
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WORDS = {"true": True, "false": False, "null": None}


def read_json(text: str) -> Node:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigReadError(f"cannot parse JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise ConfigReadError("cannot parse JSON: nested too deeply") from None
    scanner = _Scanner(text)
    return scanner.value(scanner.skip(0), 0)[0]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = Lines(text)

    def skip(self, at: int) -> int:
        match = _SPACE.match(self.text, at)
        return match.end() if match else at

    def value(self, at: int, depth: int) -> tuple[Node, int]:
        if depth > MAX_DEPTH:
            raise ConfigReadError(f"cannot read JSON: nested deeper than {MAX_DEPTH} levels")
        char = self.text[at]
        parsed: int | float
        if char == "{":
            return self.mapping(at, depth)
        if char == "[":
            return self.sequence(at, depth)
        if char == '"':
            string, end = scanstring(self.text, at + 1)
            return self.scalar(string, at, end), end
        for word, meaning in _WORDS.items():
            if self.text.startswith(word, at):
                return self.scalar(meaning, at, at + len(word)), at + len(word)
        number = _NUMBER.match(self.text, at)
        if number is None:  # NaN, Infinity: json.loads accepts them
            special = re.compile(r"-?[A-Za-z]+").match(self.text, at)
            end = special.end() if special else at + 1
            return self.scalar(float(self.text[at:end]), at, end), end
        written = number.group()
        parsed = int(written) if re.fullmatch(r"-?\d+", written) else float(written)
        return self.scalar(parsed, at, number.end()), number.end()

    def scalar(self, value, start: int, end: int) -> Scalar:
        line, column = self.lines.position(start)
        return Scalar(value, start, end, line, column)

    def mapping(self, at: int, depth: int) -> tuple[Mapping, int]:
        node = Mapping()
        at = self.skip(at + 1)
        while self.text[at] != "}":
            key, after_key = scanstring(self.text, at + 1)
            line, column = self.lines.position(at)
            at = self.skip(self.skip(after_key) + 1)  # past the colon
            value, at = self.value(at, depth + 1)
            node.entries[key] = Entry(key, line, column, value)
            node.end = at
            at = self.skip(at)
            if self.text[at] == ",":
                at = self.skip(at + 1)
        return node, at + 1

    def sequence(self, at: int, depth: int) -> tuple[Sequence, int]:
        node = Sequence()
        at = self.skip(at + 1)
        while self.text[at] != "]":
            value, at = self.value(at, depth + 1)
            node.items.append(value)
            at = self.skip(at)
            if self.text[at] == ",":
                at = self.skip(at + 1)
        return node, at + 1
