"""Writing a `# noqa: WLxxx` comment (reading them is `engine/suppressions.py`'s job)."""

from __future__ import annotations

import re

# A noqa comment with its list of codes, as engine.suppressions reads it.
_NOQA_LIST = re.compile(r"#\s*noqa:\s*[\w-]+(?:[\s,]+[\w-]+)*", re.I)
_BARE_NOQA = re.compile(r"#\s*noqa(?![\w:-])", re.I)


def with_noqa(line: str, code: str) -> str:
    """`line` (without its line break) with `code` suppressed: added to the line's `# noqa: ...` list
    when it has one, so that the codes of other linters stay where they are, else in a new comment.
    A bare `# noqa` (which warmlint leaves to other linters) is kept as it is, and a second `# noqa` after
    it would not be read, so that line gets warmlint's own form."""
    if _BARE_NOQA.search(line):
        return f"{line.rstrip()}  # warmlint: ignore[{code}]"
    listed = _NOQA_LIST.search(line)
    if listed:
        return f"{line[: listed.end()]}, {code}{line[listed.end() :]}"
    return f"{line.rstrip()}  # noqa: {code}"
