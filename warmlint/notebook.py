"""Jupyter notebooks (nbformat 4) read as one Python module, and written back cell by cell.

The code cells are joined in order, each after a line `# %% cell N`, so that an optimizer built
in one cell and stepped in a later one is one training run. N counts every cell of the notebook
(markdown and raw too), 1-based, so `cells[N - 1]` in the file is that cell. IPython syntax
(`%magic`, `!shell`, `obj?`, a non-Python cell magic's whole cell) is masked line for line, so it
neither breaks the parse nor moves a position inside its cell; markdown and raw cells are skipped.

`Notebook.locate` maps a diagnostic's module lines to cell lines. `Notebook.with_code` maps a
fixed module back to the cells: every line the fix kept is its cell's own line again, new lines go
to the cell they follow, and an edit across a cell boundary or of a masked line is refused. The
result is the original JSON with only the edited cells' `source` changed, in the file's own layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from warmlint.diagnostics import Diagnostic, Span

SUFFIX = ".ipynb"
# Line ends as the Python tokenizer (and so libcst's line numbers) counts them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FINAL_NEWLINE = re.compile(r"(?:\r\n|\r|\n)$")
# Cell magics whose body is still Python: only their first line is masked.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "pypy", "python", "python3"})
_MAGIC_ASSIGNMENT = re.compile(r"^[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*[%!]")
_MASKED_TOP = "# (IPython)\n"  # a comment: a masked line at the top of a cell stays out of the code


class NotebookError(ValueError):
    """The file is not a notebook warmlint can read, or a fix cannot be written back into it."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)


@dataclass(frozen=True)
class ModuleLine:
    """One line of the joined module: a cell's header, or line `line` (1-based) of cell `cell`."""

    cell: int  # 1-based over all cells
    line: int  # 0 for the header
    text: str  # the cell's own text of the line, newline included
    code: str  # what the module holds instead (the same text, a header, or a mask)

    @property
    def is_header(self) -> bool:
        return self.line == 0

    @property
    def masked(self) -> bool:
        return not self.is_header and self.code != self.text


@dataclass(frozen=True)
class CodeCell:
    """What writing a cell back needs to know about its original `source`."""

    source: str
    as_list: bool  # nbformat allows a list of lines or one string; keep the file's choice
    final_newline: bool


@dataclass(frozen=True)
class CellChange:
    cell: int
    before: str
    after: str


@dataclass
class Notebook:
    text: str  # the file as read
    data: dict  # the parsed JSON, keys in the file's order
    cells: dict[int, CodeCell]
    lines: list[ModuleLine]

    @property
    def code(self) -> str:
        return "".join(line.code for line in self.lines)

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic at its cell and cell-relative lines (columns are the module's: masking keeps them)."""
        if not self.lines:
            return diagnostic
        start, end = self._at(diagnostic.span.line), self._at(diagnostic.span.end_line)
        line, column = (start.line, diagnostic.span.column) if not start.is_header else (1, 1)
        if end.cell == start.cell and not end.is_header and end.line >= line:
            span = Span(line, column, end.line, diagnostic.span.end_column)
        else:  # a span reaching into the next cell is cut to its start
            span = Span(line, column, line, column)
        return replace(diagnostic, span=span, cell=start.cell)

    def without_cell(self, cell: int) -> Notebook:
        """The same notebook with every line of `cell` masked: a cell that is not Python (pasted
        output, a half-written line) is reported once and the other cells are still checked."""
        lines = [
            replace(line, code=_MASKED_TOP) if line.cell == cell and not line.is_header else line for line in self.lines
        ]
        return replace(self, lines=lines)

    def cell_at(self, module_line: int) -> int:
        return self._at(module_line).cell

    def place(self, module_line: int) -> tuple[int, int]:
        """(cell, line in the cell) of a line of the joined module; a cell's header is its line 1."""
        at = self._at(module_line)
        return at.cell, max(1, at.line)

    def _at(self, module_line: int) -> ModuleLine:
        return self.lines[min(max(module_line, 1), len(self.lines)) - 1]

    def with_code(self, code: str) -> bytes:
        """The notebook file with its cells holding `code` (a fixed version of `self.code`)."""
        sources = self._cell_sources(code)
        cells = list(self.data["cells"])
        for index, text in sources.items():
            source = _LINE.findall(text) if self.cells[index].as_list else text
            cells[index - 1] = {**cells[index - 1], "source": source}
        written = self._dump({**self.data, "cells": cells})
        again = read_notebook(written)
        if any(again.cells[index].source != text for index, text in sources.items()):
            raise NotebookError("internal error: the cells written back do not hold the fixed code")
        return written.encode("utf-8")

    def _cell_sources(self, code: str) -> dict[int, str]:
        """New text of each cell the fix changed."""
        kept: dict[int, list[str]] = {index: [] for index in self.cells}
        current = next(iter(self.cells))
        new = _LINE.findall(code)
        opcodes = SequenceMatcher(None, [line.code for line in self.lines], new, autojunk=False).get_opcodes()
        for tag, old_start, old_end, new_start, new_end in opcodes:
            if tag == "equal":
                for line in self.lines[old_start:old_end]:
                    current = line.cell
                    if not line.is_header:
                        kept[current].append(line.text)
                continue
            for line in self.lines[old_start:old_end]:
                if line.is_header:
                    raise NotebookError(f"the fix would edit across the start of cell {line.cell}")
                if line.masked:
                    raise NotebookError(f"the fix would change an IPython line (cell {line.cell}, line {line.line})")
            kept[current].extend(new[new_start:new_end])
        sources = {}
        for index, lines in kept.items():
            text = "".join(lines)
            if not self.cells[index].final_newline:
                # Such a cell cannot end in a blank line: drop those the fix added after its code.
                text = _FINAL_NEWLINE.sub("", text.rstrip("\r\n") + "\n")
            if text != self.cells[index].source:
                sources[index] = text
        return sources

    def _dump(self, data: dict) -> str:
        """`data` in this file's JSON layout; refused when re-writing the file as read would change it."""
        body = self.text.rstrip()
        trailing = self.text[len(body) :]
        newline = "\r\n" if "\r\n" in body else "\n"
        indented = re.match(r"\{\r?\n( *)\S", body)
        indent = len(indented.group(1)) if indented else None
        for ensure_ascii in (False, True):

            def dump(value: dict, ensure_ascii: bool = ensure_ascii) -> str:
                return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii).replace("\n", newline) + trailing

            if dump(self.data) == self.text:
                return dump(data)
        raise NotebookError(
            "its JSON layout is not one json.dumps writes (as Jupyter saves notebooks), "
            "so writing the fix would change untouched parts; save it from Jupyter and run fix again"
        )


def read_notebook(source: bytes | str) -> Notebook:
    """The notebook's code cells as one module; NotebookError names what is wrong with the file."""
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
    except UnicodeDecodeError as error:
        raise NotebookError(f"not a notebook: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a notebook: invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise NotebookError("not a notebook: JSON nested too deeply") from None
    raw_cells = _validated_cells(data)
    cells: dict[int, CodeCell] = {}
    lines: list[ModuleLine] = []
    if _is_python(data.get("metadata")):
        for index, cell in enumerate(raw_cells, start=1):
            if cell["cell_type"] != "code":
                continue
            raw = cell["source"]
            source_text = raw if isinstance(raw, str) else "".join(raw)
            cell_lines = _LINE.findall(source_text)
            cells[index] = CodeCell(source_text, isinstance(raw, list), source_text.endswith(("\n", "\r")))
            lines.append(ModuleLine(index, 0, "", f"# %% cell {index}\n"))
            for number, (line, hidden) in enumerate(zip(cell_lines, _masked(cell_lines)), start=1):
                whole = line if line.endswith(("\n", "\r")) else line + "\n"
                lines.append(ModuleLine(index, number, whole, _mask(whole) if hidden else whole))
    return Notebook(text, data, cells, lines)


def _validated_cells(data: object) -> list[dict]:
    """The shape nbformat 4 requires of what warmlint reads; anything else is a one-line reason."""
    if not isinstance(data, dict):
        raise NotebookError("not a notebook: the JSON is not an object")
    version = data.get("nbformat")
    if version != 4 or isinstance(version, bool):
        raise NotebookError(f"not an nbformat 4 notebook (nbformat is {version!r})")
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: `cells` is not a list")
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"not a notebook: cell {index} is not an object with a `cell_type`")
        source = cell.get("source")
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise NotebookError(f"not a notebook: the source of cell {index} is neither a string nor a list of strings")
    return cells


def _is_python(metadata: object) -> bool:
    """A notebook says its language in `language_info` or `kernelspec`; one that says none is Python."""
    if not isinstance(metadata, dict):
        return True
    for key in ("language_info", "kernelspec"):
        table = metadata.get(key)
        language = table.get("name" if key == "language_info" else "language") if isinstance(table, dict) else None
        if isinstance(language, str):
            return language.lower() == "python"
    return True


def _mask(line: str) -> str:
    """A line that is not Python: a comment at the top level, `pass` where a block may need a statement."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return f"{indent}pass\n" if indent else _MASKED_TOP


def _masked(lines: list[str]) -> list[bool]:
    """Which lines of a cell are IPython syntax rather than Python."""
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return [False] * len(lines)
    masked = [False] * len(lines)
    head = lines[first].strip()
    if head.startswith("%%"):
        name = (head[2:].split() or [""])[0]
        if name not in _PYTHON_CELL_MAGICS:
            return [True] * len(lines)  # %%bash, %%writefile...: the whole cell is another language
        masked[first] = True
    scanner = _Continuation()
    continued = False
    for number, line in enumerate(lines):
        if masked[number]:
            continue
        if continued or (scanner.at_statement_start and _is_ipython(line)):
            masked[number] = True
            continued = line.rstrip("\r\n").endswith("\\")
            continue
        scanner.feed(line)
    return masked


def _is_ipython(line: str) -> bool:
    """A line that starts a statement and is IPython syntax: `%magic`, `!cmd`, `?obj`, `obj?`, `x = !cmd`."""
    text = line.strip()
    if not text or text.startswith("#"):
        return False
    if text[0] in "%!?":
        return True
    if text.endswith("?") and "#" not in text:  # never valid Python outside a comment
        return True
    return bool(_MAGIC_ASSIGNMENT.match(text))


class _Continuation:
    """Whether the next line starts a statement, rather than continuing a bracket, a triple-quoted
    string or a backslash line (IPython syntax is only recognised at the start of a statement)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""
        self.backslash = False

    @property
    def at_statement_start(self) -> bool:
        return not self.depth and not self.quote and not self.backslash

    def feed(self, line: str) -> None:
        text = line.rstrip("\r\n")
        position, in_comment = 0, False
        while position < len(text):
            char = text[position]
            if self.quote:
                if char == "\\":
                    position += 2
                    continue
                if text.startswith(self.quote, position):
                    position += len(self.quote)
                    self.quote = ""
                    continue
            elif char == "#":
                in_comment = True
                break
            elif char in "\"'":
                self.quote = char * 3 if text.startswith(char * 3, position) else char
                position += len(self.quote)
                continue
            elif char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            position += 1
        if len(self.quote) == 1:  # a one-quote string ends with its line (or the code is wrong)
            self.quote = ""
        self.backslash = not in_comment and text.endswith("\\")


def changed_cells(original: bytes, fixed: bytes) -> list[CellChange]:
    """Each cell whose source differs between two versions of one notebook (a fix never adds a cell)."""
    before, after = json.loads(original.decode("utf-8-sig")), json.loads(fixed.decode("utf-8-sig"))
    changes = []
    for index, (old, new) in enumerate(zip(before["cells"], after["cells"]), start=1):
        old_text, new_text = "".join(old["source"]), "".join(new["source"])  # a string joins to itself
        if old_text != new_text:
            changes.append(CellChange(index, old_text, new_text))
    return changes
