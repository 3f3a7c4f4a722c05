"""The documentation check of one registered rule: its page and the examples on it.

tests/test_rule_docs.py runs it on every rule of the package; a rule registered from outside the
package (tests/test_registry.py) gets the same check, so a rule is documented as its declaration says.
"""

from __future__ import annotations

import re

from warmlint.engine.lint import check_source
from warmlint.output.rule_docs import rule_doc, rule_doc_path
from warmlint.rule_index import RULE_INFO


def section_code(text: str, heading: str) -> str | None:
    """The first ```python block under `## heading` (before the next `## `), or None."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(?P<body>.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return None
    block = re.search(r"^```python[ \t]*\n(?P<code>.*?)^```", match.group("body"), re.M | re.S)
    return block.group("code") if block else None


def page_problems(code: str) -> list[str]:
    """What is wrong with a registered rule's page: named and headed after the rule, a `## Fix
    safety` section when the rule is fixable, and what it shows `warmlint rule` (empty: nothing)."""
    info = RULE_INFO[code]
    path = rule_doc_path(code)
    if path is None:
        return [f"{code} has no page {code}-{info.name}.md"]
    text = path.read_text(encoding="utf-8")
    problems = []
    if path.name != f"{code}-{info.name}.md":
        problems.append(f"{path.name} is not named {code}-{info.name}.md")
    if text.splitlines()[:1] != [f"# {code}: {info.name}"]:
        problems.append(f"{path.name} does not start with `# {code}: {info.name}`")
    if info.fixable and "## Fix safety" not in text:
        problems.append(f"{path.name} has no `## Fix safety` section")
    if rule_doc(code) != text:
        problems.append(f"`warmlint rule {code}` does not show {path.name}")
    return problems


def example_problems(code: str, section: str, source: str) -> list[str]:
    """A Bad example is flagged with its rule; a Good one with nothing, and compiles."""
    result = check_source(source, f"{code}_{section.lower()}.py")
    if result.error is not None:
        return [f"the {section} example of {code} cannot be read: {result.error}"]
    codes = [d.code for d in result.diagnostics]
    if section == "Bad":
        return [] if code in codes else [f"the Bad example of {code} is not flagged: {codes}"]
    compile(source, "good.py", "exec")  # also valid for CPython (compiled, never run)
    return [f"the Good example of {code} is flagged: {codes}"] if codes else []
