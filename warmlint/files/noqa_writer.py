"""`check --add-noqa`: write a `# noqa: WLxxx` on the line of every current finding.

Each file is rewritten only when the result still parses and none of the findings it silences is
reported again (a line that ends inside a string cannot take a comment), and it is written
atomically, as fixes are. In a notebook the comments go into the cells the findings are in
(only the `source` of those cells changes, as with fixes). JSON files (no comments) and files that
cannot be parsed are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from warmlint.config import Config
from warmlint.configs import is_json_path
from warmlint.diagnostics import Diagnostic
from warmlint.engine.lint import check_code, check_source
from warmlint.engine.noqa import add_noqa
from warmlint.engine.suppressions import UNSUPPRESSIBLE
from warmlint.files.safe_write import FileChangedError, write_atomic
from warmlint.notebook import NotebookError, is_notebook, read_notebook


def write_noqa_comments(
    diagnostics: list[Diagnostic], config_for: Callable[[Path], Config]
) -> tuple[int, int, list[str]]:
    """(comments added, files changed, problems) for these findings."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if d.code not in UNSUPPRESSIBLE:
            by_file[d.path].append(d)
    added = files = 0
    problems = []
    for path, findings in sorted(by_file.items()):
        if is_json_path(path):
            problems.append(f"{path}: JSON has no comments, no noqa comments written (use per-file-ignores)")
            continue
        data = Path(path).read_bytes()
        config = config_for(Path(path))
        edited = _with_comments(data, path, findings, config)
        if isinstance(edited, str):
            problems.append(f"{path}: {edited}")
            continue
        after = check_source(edited, path, config)
        left = {_key(d) for d in after.diagnostics}
        if after.error or any(code == "WL000" for *_, code in left) or left & {_key(d) for d in findings}:
            problems.append(f"{path}: a comment would not silence its finding there; file left unchanged")
            continue
        try:
            write_atomic(Path(path), edited, expected=data)
        except (FileChangedError, OSError) as error:
            problems.append(f"{path}: {error}")
            continue
        added += len({_key(d) for d in findings})
        files += 1
    return added, files, problems


def _key(d: Diagnostic) -> tuple[int | None, int, str]:
    return (d.cell, d.line, d.code)


def _with_comments(data: bytes, path: str, findings: list[Diagnostic], config: Config) -> bytes | str:
    """The file with a comment on each finding's line, or why none can be written."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8, no noqa comments written"
    if not is_notebook(path):
        return add_noqa(text, [(d.line, d.code) for d in findings]).encode("utf-8")
    # A notebook's findings are positioned in their cells; the comments go on the same lines of
    # the joined cells the check reads, then back into the cells.
    try:
        notebook = read_notebook(text)
        wanted = {_key(d) for d in findings}
        lines = [
            (d.line, d.code)
            for d in check_code(notebook.code, path, config).diagnostics
            if _key(notebook.locate(d)) in wanted
        ]
        return notebook.with_code(add_noqa(notebook.code, lines))
    except NotebookError as error:
        return f"no noqa comments written: {error.reason}"
