"""WL101's fix: a suppression comment rewritten without its unused codes, or removed."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.fixes.plans import Planner


@dataclass(frozen=True)
class CommentRewrite:
    """A comment's new text ("" to remove it), and the line part that holds it."""

    comment: cst.Comment
    holder: cst.TrailingWhitespace | cst.EmptyLine
    text: str


def rewrite_comment(planner: Planner, rewrite: CommentRewrite) -> None:
    """Edits the comment alone: no code changes. A comment removed from the end of a line takes
    the spaces before it along; one on a line of its own takes the line."""
    edits = planner.edits
    if rewrite.text:
        edits.on_same(rewrite.comment, lambda comment: comment.with_changes(value=rewrite.text))
    elif isinstance(rewrite.holder, cst.EmptyLine):
        edits.remove(rewrite.holder)
    else:
        edits.on_same(
            rewrite.holder, lambda trailing: trailing.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        )
