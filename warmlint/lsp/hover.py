"""Hover text: the page of each rule reported under the cursor (the text of `warmlint rule WLxxx`)."""

from __future__ import annotations

from pygls.workspace.position_codec import ServerTextPosition

from warmlint.diagnostics import Diagnostic
from warmlint.lsp.convert import server_range
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO


def rule_page(code: str) -> str:
    rule = RULE_INFO[code]
    return rule_doc(code) or f"# {rule.code}: {rule.name}\n\n{rule.summary}\n"


def hover_markdown(diagnostics: list[Diagnostic], lines: list[str], at: ServerTextPosition) -> str | None:
    """The pages of the rules whose findings cover `at` (0-based code points), once each."""
    codes = dict.fromkeys(d.code for d in diagnostics if at in server_range(d.span, lines))
    return "\n\n---\n\n".join(rule_page(code) for code in codes) or None
