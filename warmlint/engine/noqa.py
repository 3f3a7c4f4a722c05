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


def add_noqa(text: str, findings: list[tuple[int, str]]) -> str:
    """`text` with a `# noqa: CODE` on every (line, code) of `findings` (1-based lines), each
    line's own break kept. For adopting warmlint in a codebase: today's findings are silenced
    where they are, new ones are not."""
    lines = text.splitlines(keepends=True)
    by_line: dict[int, list[str]] = {}
    for number, code in findings:
        if code not in by_line.setdefault(number, []):
            by_line[number].append(code)
    for number, codes in by_line.items():
        if not 1 <= number <= len(lines):
            continue
        original = lines[number - 1]
        body = original.rstrip("\r\n")
        for code in sorted(codes):
            body = with_noqa(body, code)
        lines[number - 1] = body + original[len(original.rstrip("\r\n")) :]
    return "".join(lines)
