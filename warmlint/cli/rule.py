"""`warmlint rule`: one rule's page, or every rule on one line each."""

from __future__ import annotations

import click

from warmlint.cli.common import fail
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, all_codes, code_names


@click.command("rule")
@click.argument("code", metavar="CODE|NAME", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its one-line summary.")
def rule_command(code: str | None, show_all: bool) -> None:
    """Print the documentation of a rule, or list all rules."""
    if show_all or code is None:
        for rule in RULE_INFO.values():
            fix = "fix" if rule.fixable else "   "
            click.echo(f"{rule.code}  {fix}  {rule.name:<40} {rule.summary}")
        return
    known = code_names().get(code.lower())  # a code or a rule name
    if known is None:
        fail(f"unknown rule {code!r}; valid codes: {', '.join(all_codes())}")
    code = known
    text = rule_doc(code)
    rule = RULE_INFO[code]
    click.echo(text if text else f"{rule.code} {rule.name}\n\n{rule.summary}")
