"""What a rule's check is: a pure function of the file's facts, registered under its code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.catalog import NOT_WARMUP, SUPPRESSION_TEXT, WARM_WORD
from warmlint.analysis.model import Model
from warmlint.config import Config
from warmlint.rule_index import RULE_INFO, RuleInfo, register


@dataclass(frozen=True)
class Finding:
    """A rule's raw result; the engine turns it into a Diagnostic with a span."""

    node: cst.CSTNode
    message: str
    hint: str = ""
    fix_data: object = None  # what the fixer needs; None when there is no fix
    no_fix_reason: str = ""


class RuleContext:
    """What a rule may read: the model of the file, the config, and line lookups."""

    def __init__(self, model: Model, config: Config, lines) -> None:
        self.model = model
        self.config = config
        self._lines = lines  # callable: node -> (first line, last line)

    def lines_of(self, node: cst.CSTNode) -> tuple[int, int]:
        return self._lines(node)

    def comment_near(self, node: cst.CSTNode, above: int = 3) -> str | None:
        """A warm-up comment on the node's lines or up to `above` lines before it."""
        first, last = self.lines_of(node)
        for comment in self.model.raw.comments:
            line = self.lines_of(comment)[0]
            text = SUPPRESSION_TEXT.sub("", comment.value)
            if first - above <= line <= last and WARM_WORD.search(text) and not NOT_WARMUP.search(text):
                return comment.value
        return None


CHECKS: dict[str, Callable[[RuleContext], Iterable[Finding]]] = {}


def rule(info: RuleInfo):
    """Register a rule's check under the rule's declaration (its module's `RULE`).

    The parser-free index (warmlint.rule_index, written from these declarations by
    `python -m warmlint.engine.declarations`) must already list a built-in rule as declared; a
    rule from outside the package (a plugin, a test) is added to the index here.
    """
    listed = RULE_INFO.get(info.code)
    if listed is None:
        register(info)
    elif listed != info:
        raise ValueError(f"{info.code} differs from warmlint.rule_index: run `python -m warmlint.engine.declarations`")

    def decorate(check: Callable[[RuleContext], Iterable[Finding]]):
        if info.code in CHECKS:
            raise ValueError(f"two checks for rule {info.code}")
        CHECKS[info.code] = check
        return check

    return decorate
