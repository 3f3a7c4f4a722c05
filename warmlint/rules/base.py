"""What a rule is: its declaration, its check (a pure function of the file's facts) and its fix
builders, registered together under its code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst

from warmlint.analysis.catalog import NOT_WARMUP, SUPPRESSION_TEXT, WARM_WORD
from warmlint.analysis.model import Model
from warmlint.config import Config
from warmlint.configs.facts import ConfigSchedule
from warmlint.configs.judging import ConfigCheck, ConfigFinding, Source
from warmlint.fixes import FixBuilder
from warmlint.rule_index import RULE_INFO, RuleInfo, add_to_index, remove_from_index


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


Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """Everything about one rule: its declaration, its check, and the builders of its fixes."""

    info: RuleInfo
    check: Check | None = None  # None: the engine reports it itself (WL000, WL100, WL101)
    # The type of the facts a finding carries -> the builder of its fix, with its safety.
    fixes: Mapping[type, FixBuilder] = field(default_factory=dict)
    # Set: a fix whose file has more findings of this rule than before is refused, with
    # "the fixed file would <this> (<code>)" as the reason.
    never_added_by_fixes: str = ""
    # Set: the rule's judgement of a schedule a training config sets up (a YAML or JSON file, a
    # DeepSpeed dict in a script), with the text edits of its fix.
    config_check: ConfigCheck | None = None

    @property
    def code(self) -> str:
        return self.info.code

    def builder_for(self, fix_data: object) -> FixBuilder | None:
        return self.fixes.get(type(fix_data))


# The one registry of rules: each rule module's, the engine's own (warmlint.engine.lint), and any
# registered from outside the package (a plugin, a test).
RULES: dict[str, Rule] = {}


def rule(
    info: RuleInfo,
    fixes: Mapping[type, FixBuilder] | None = None,
    never_added_by_fixes: str = "",
    config_check: ConfigCheck | None = None,
):
    """Register a rule's check under the rule's declaration (its module's `RULE`), with the fix
    builders for the facts its findings carry and its judgement of a config's schedule.

    The parser-free index (warmlint.rule_index, written from these declarations by
    `python -m warmlint.engine.declarations`) must already list a built-in rule as declared; a
    rule from outside the package (a plugin, a test) is added to the index here.
    """

    def decorate(check: Check) -> Check:
        register(Rule(info, check, dict(fixes or {}), never_added_by_fixes, config_check))
        return check

    return decorate


def register(entry: Rule) -> None:
    """Add a rule to the registry (and a rule from outside the package to the index)."""
    code, listed = entry.code, RULE_INFO.get(entry.code)
    if listed is not None and listed != entry.info:
        raise ValueError(f"{code} differs from warmlint.rule_index: run `python -m warmlint.engine.declarations`")
    if code in RULES:
        raise ValueError(f"two checks for rule {code}" if entry.check else f"rule {code} is already registered")
    if listed is None:
        add_to_index(entry.info)
    RULES[code] = entry


def unregister(code: str) -> None:
    """Remove a rule registered from outside the package, from the registry and the index."""
    RULES.pop(code, None)
    remove_from_index(code)


def config_findings(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    """The findings of every rule with a config check on one schedule, in code order."""
    for _, entry in sorted(RULES.items()):
        if entry.config_check is not None:
            yield from entry.config_check(schedule, source)


def refused_for_added(before: Iterable[str], after: Iterable[str]) -> str | None:
    """Why a fixed file is refused, given the codes of the findings before and after the fix: it
    has more findings of a rule that no fix may add (None: it has not)."""
    counted_before, counted_after = Counter(before), Counter(after)
    for code, entry in sorted(RULES.items()):
        if entry.never_added_by_fixes and counted_after[code] > counted_before[code]:
            return f"the fixed file would {entry.never_added_by_fixes} ({code})"
    return None
