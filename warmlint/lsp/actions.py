"""Code actions: apply the file's fixes, or suppress one finding with a `# noqa` comment.

Both are computed from the text the client holds and offered only when they work: a noqa comment
is offered when the edited text still parses and no longer reports that finding.
"""

from __future__ import annotations

import difflib

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from warmlint.diagnostics import Diagnostic
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import check_source, parse
from warmlint.engine.noqa import with_noqa
from warmlint.engine.suppressions import UNSUPPRESSIBLE
from warmlint.lsp.convert import content, lines_of, to_lsp
from warmlint.lsp.linting import Linted


def line_start(lines: list[str], index: int, codec: PositionCodec) -> types.Position:
    """Where line `index` starts; past the last line, the end of the document."""
    ends_with_break = not lines or lines[-1] != content(lines[-1])
    if index < len(lines) or ends_with_break:
        return types.Position(line=index, character=0)
    return types.Position(line=len(lines) - 1, character=codec.client_num_units(lines[-1]))


def line_edits(before: str, after: str, codec: PositionCodec) -> list[types.TextEdit]:
    """The changed runs of lines only, so the editor keeps the cursor and folds of the lines around them."""
    old, new = lines_of(before), lines_of(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        types.TextEdit(
            range=types.Range(start=line_start(old, i1, codec), end=line_start(old, i2, codec)),
            new_text="".join(new[j1:j2]),
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _action(
    title: str, kind: str, linted: Linted, after: str, fixed: list[Diagnostic], codec: PositionCodec
) -> types.CodeAction:
    edits = line_edits(linted.source, after, codec)
    return types.CodeAction(
        title=title,
        kind=kind,
        diagnostics=[to_lsp(d, linted.lines, codec) for d in fixed],
        edit=types.WorkspaceEdit(changes={linted.uri: edits}),
    )


def fix_action(linted: Linted, wanted: list[Diagnostic], kind: str, codec: PositionCodec) -> types.CodeAction | None:
    """`warmlint fix --apply` on the document. Each fix is applied to the re-checked result of the one
    before (engine.fixer), so one finding's fix alone is not available: the action fixes the whole file."""
    if linted.config is None or not any(d.fixable for d in wanted):
        return None
    outcome = fix_bytes(linted.source.encode("utf-8"), linted.path, linted.config)
    if outcome.error or not outcome.changed:
        return None
    count = len(outcome.applied)
    title = f"Apply warmlint's {count} fix{'es' if count > 1 else ''} to this file"
    fixed = [d for d in wanted if d.fixable]
    return _action(title, kind, linted, outcome.fixed.decode("utf-8"), fixed, codec)


def noqa_action(linted: Linted, d: Diagnostic, codec: PositionCodec) -> types.CodeAction | None:
    """`# noqa: WLxxx` at the end of the finding's first line."""
    lines = linted.lines
    index = d.line - 1
    if linted.config is None or d.code in UNSUPPRESSIBLE or index >= len(lines):
        return None
    line = lines[index]
    edited = [*lines[:index], with_noqa(content(line), d.code) + line[len(content(line)) :], *lines[index + 1 :]]
    after = "".join(edited)
    module, _ = parse(after, linted.path)  # a line continued with a backslash takes no comment
    if module is None:
        return None
    if any(r.code == d.code and r.line == d.line for r in check_source(after, linted.path, linted.config).diagnostics):
        return None
    title = f"Suppress {d.code} on this line with a noqa comment"
    return _action(title, types.CodeActionKind.QuickFix, linted, after, [d], codec)
