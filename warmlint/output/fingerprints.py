"""SARIF `partialFingerprints`: the same finding gets the same one in every run.

A fingerprint hashes the rule and the text of the line the finding starts on (whitespace runs
folded, so a re-indent does not change it), never its line number, so lines added or removed
above it leave it as it was. Findings of one rule on identical lines of a file (two
`opt.step()` calls) are told apart by their order among them: `<hash>:<occurrence>`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping

from warmlint.diagnostics import Diagnostic
from warmlint.notebook import NotebookError, is_notebook, read_notebook

KEY = "warmlintLineHash/v1"
LineKey = tuple[int | None, int]  # (notebook cell or None, 1-based line)
# Line breaks as the parser counts lines (str.splitlines also breaks at form feeds and others).
_BREAK = re.compile(r"\r\n|\r|\n")


def flagged_lines(data: bytes | str, path: str, diagnostics: list[Diagnostic], fold: bool = True) -> dict[LineKey, str]:
    """The text of each line a diagnostic starts on (whitespace runs folded, unless `fold` is
    False): of its cell, in a notebook. A line that cannot be read (text that is not UTF-8, a
    notebook that is not one) reads as ""."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    sources: dict[int | None, list[str]] = {None: _BREAK.split(text)}
    if is_notebook(path) and any(d.cell is not None for d in diagnostics):
        try:
            notebook = read_notebook(data)
        except NotebookError:
            notebook = None
        if notebook is not None:
            sources.update({cell: _BREAK.split(code.source) for cell, code in notebook.cells.items()})
    flagged = {}
    for d in diagnostics:
        lines = sources.get(d.cell, [])
        text = lines[d.line - 1] if d.line <= len(lines) else ""
        flagged[(d.cell, d.line)] = " ".join(text.split()) if fold else text
    return flagged


def fingerprints(diagnostics: list[Diagnostic], flagged: Mapping[str, Mapping[LineKey, str]]) -> list[str]:
    """One fingerprint per diagnostic, in their order; `flagged`: each path's `flagged_lines`."""
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for d in diagnostics:
        line = flagged.get(d.path, {}).get((d.cell, d.line), "")
        digest = hashlib.sha256(f"{d.code}\0{line}".encode()).hexdigest()[:16]
        found.append(f"{digest}:{seen[(d.path, digest)]}")
        seen[(d.path, digest)] += 1
    return found
