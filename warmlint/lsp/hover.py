"""Hover text: the page of each rule reported under the cursor (the text of `warmlint rule WLxxx`),
and on an optimizer or a scheduler, the schedule `warmlint explain` shows for it."""

from __future__ import annotations

import libcst as cst
from pygls.workspace.position_codec import ServerTextPosition

from warmlint.analysis.model import Model, Optimizer, Scheduler, Tracked
from warmlint.diagnostics import Diagnostic
from warmlint.engine.lint import Locator
from warmlint.explain.build import locator_of, optimizer_report
from warmlint.explain.text import summary_markdown
from warmlint.lsp.convert import server_range
from warmlint.lsp.linting import Linted
from warmlint.notebook import is_notebook
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO


def rule_page(code: str) -> str:
    rule = RULE_INFO[code]
    return rule_doc(code) or f"# {rule.code}: {rule.name}\n\n{rule.summary}\n"


def hover_markdown(diagnostics: list[Diagnostic], lines: list[str], at: ServerTextPosition) -> str | None:
    """The pages of the rules whose findings cover `at` (0-based code points), once each."""
    codes = dict.fromkeys(d.code for d in diagnostics if at in server_range(d.span, lines))
    return "\n\n---\n\n".join(rule_page(code) for code in codes) or None


def schedule_hover(linted: Linted, at: ServerTextPosition) -> str | None:
    """The explain summary of the optimizer (or the scheduler's optimizer) whose construction, name
    or method call is under the cursor; None elsewhere, and in a notebook's cells."""
    result = linted.result
    if result is None or result.model is None or result.module is None or is_notebook(linted.path):
        return None
    locator = Locator(result.module)
    found = _tracked_at(result.model, locator, linted.lines, at)
    if found is None:
        return None
    optimizer = found if isinstance(found, Optimizer) else _optimizer_of(found)
    if optimizer is None:
        return f"**{found.short_name}**: the optimizer it sets the LR of is not in this file"
    summary = summary_markdown(optimizer_report(result.model, optimizer, locator_of(locator)))
    if isinstance(found, Scheduler):
        return f"**{found.short_name}** sets the LR of {optimizer.short_name}\n\n{summary}"
    return summary


def _tracked_at(model: Model, locator: Locator, lines: list[str], at: ServerTextPosition) -> Tracked | None:
    objects: list[Tracked] = [*model.optimizers, *model.schedulers]
    for obj in objects:
        for node in _names_of(obj):
            try:
                span = locator.span(node)
            except KeyError:
                continue
            if at in server_range(span, lines):
                return obj
    return None


def _names_of(obj: Tracked) -> list[cst.CSTNode]:
    """Where the object is written: its construction, the names it is assigned to, `obj.step()`'s `obj`."""
    receivers = [c.node.func.value for c in obj.method_calls if isinstance(c.node.func, cst.Attribute)]
    return [*obj.call.targets, *receivers, obj.call.node]


def _optimizer_of(scheduler: Tracked) -> Optimizer | None:
    while isinstance(scheduler, Scheduler):
        if scheduler.optimizer is not None:
            return scheduler.optimizer
        scheduler = scheduler.parent  # type: ignore[assignment]
    return None
