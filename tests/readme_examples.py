"""The shell examples of README.md, read as a user reads them: commands and the output they print.

A ```console block holds commands (lines starting with `$ `) each followed by the output the
README says it prints. A line `...` in that output stands for any number of lines (an elided
part). A ```bash block is a list of commands whose output is not shown, and a ```python block
a program that must run to the end (its asserts hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.M | re.S)
ELISION = "..."


@dataclass(frozen=True)
class Example:
    """One command of a README block and what the README says it prints."""

    line: int  # of the README, 1-based, for the failure message
    command: str
    expected: tuple[str, ...]
    shows_output: bool  # False for a ```bash block, which lists commands without their output


def examples(readme: Path) -> list[list[Example]]:
    """Every shell block of the README, in order, as its commands (one list per block)."""
    text = readme.read_text(encoding="utf-8")
    blocks = []
    for fence in FENCE.finditer(text):
        if fence.group("lang") not in ("bash", "console"):
            continue
        first_line = text.count("\n", 0, fence.start("body")) + 1
        body = fence.group("body").splitlines()
        if fence.group("lang") == "bash":
            blocks.append([Example(first_line + i, line, (), False) for i, line in enumerate(body) if line.strip()])
        else:
            blocks.append(_console_block(body, first_line))
    return blocks


def python_programs(readme: Path) -> list[Example]:
    """Every ```python block of the README, each as one program."""
    text = readme.read_text(encoding="utf-8")
    return [
        Example(text.count("\n", 0, fence.start("body")) + 1, fence.group("body"), (), False)
        for fence in FENCE.finditer(text)
        if fence.group("lang") == "python"
    ]


def _console_block(lines: list[str], first_line: int) -> list[Example]:
    commands: list[Example] = []
    command: str | None = None
    start = 0
    output: list[str] = []
    for number, line in enumerate(lines, first_line):
        if line.startswith("$ "):
            if command is not None:
                commands.append(Example(start, command, _trimmed(output), True))
            command, start, output = line[2:], number, []
        elif command is not None:
            output.append(line)
    if command is not None:
        commands.append(Example(start, command, _trimmed(output), True))
    return commands


def _trimmed(lines: list[str]) -> tuple[str, ...]:
    """Blank lines that only separate one command's output from the next one's do not count."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return tuple(line.rstrip() for line in lines)


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Whether `actual` is `expected` line for line, each `...` standing for any lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ELISION:
        return any(matches(rest, actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and matches(rest, actual[1:])
