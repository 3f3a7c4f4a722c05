"""`check --add-noqa`: write a `# noqa: WLxxx` on the line of every current finding.

Each file is rewritten only when the result still parses and none of the findings it silences is
reported again (a line that ends inside a string cannot take a comment), and it is written
atomically, as fixes are. Notebooks, JSON files (no comments) and files that cannot be parsed are
left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from warmlint.config import Config
from warmlint.configs import is_json_path
from warmlint.diagnostics import Diagnostic
from warmlint.engine.lint import check_source
from warmlint.engine.noqa import add_noqa
from warmlint.engine.notebook import is_notebook
from warmlint.engine.suppressions import UNSUPPRESSIBLE
from warmlint.files.safe_write import FileChangedError, write_atomic


def write_noqa_comments(
    diagnostics: list[Diagnostic], config_for: Callable[[Path], Config]
) -> tuple[int, int, list[str]]:
    """(comments added, files changed, problems) for these findings."""
    by_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for d in diagnostics:
        if d.code not in UNSUPPRESSIBLE and not is_notebook(d.path):
            by_file[d.path].append((d.line, d.code))
    added = files = 0
    problems = []
    for path, findings in sorted(by_file.items()):
        if is_json_path(path):
            problems.append(f"{path}: JSON has no comments, no noqa comments written (use per-file-ignores)")
            continue
        data = Path(path).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8, no noqa comments written")
            continue
        edited = add_noqa(text, findings)
        config = config_for(Path(path))
        after = check_source(edited.encode("utf-8"), path, config)
        left = {(d.line, d.code) for d in after.diagnostics}
        if after.error or any(code == "WL000" for _, code in left) or left & set(findings):
            problems.append(f"{path}: a comment would not silence its finding there; file left unchanged")
            continue
        try:
            write_atomic(Path(path), edited.encode("utf-8"), expected=data)
        except (FileChangedError, OSError) as error:
            problems.append(f"{path}: {error}")
            continue
        added += len(set(findings))
        files += 1
    return added, files, problems
