"""`warmlint rule`: one rule's page, or every rule on one line each."""

from __future__ import annotations

import click

from warmlint.cli.common import fail
from warmlint.diagnostics import FixSafety
from warmlint.output.markers import LEGEND, rule_marker
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, all_codes, code_names


@click.command("rule")
@click.argument("code", metavar="CODE|NAME", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its one-line summary.")
def rule_command(code: str | None, show_all: bool) -> None:
    """Print the documentation of a rule, or list all rules."""
    if show_all or code is None:
        markers = rule_markers()
        width = max(len(marker) for marker in markers.values())
        for rule in RULE_INFO.values():
            click.echo(f"{rule.code}  {markers[rule.code]:<{width}}  {rule.name:<40} {rule.summary}")
        click.echo(f"\n{LEGEND}; [*]/[*unsafe]: it depends on the finding")
        return
    known = code_names().get(code.lower())  # a code or a rule name
    if known is None:
        fail(f"unknown rule {code!r}; valid codes: {', '.join(all_codes())}")
    code = known
    text = rule_doc(code)
    rule = RULE_INFO[code]
    click.echo(text if text else f"{rule.code} {rule.name}\n\n{rule.summary}")


def rule_markers() -> dict[str, str]:
    """Each rule's fix marker, from the safety its fix builders declare ("" for no fix; `[*]` for a
    fixable rule with no builder registered, a plugin's)."""
    from warmlint.engine.lint import RULES  # loads the parser, which `rule` alone can afford

    safeties: dict[str, set[FixSafety]] = {}
    for code, entry in RULES.items():
        for builder in entry.fixes.values():
            safeties.setdefault(code, set()).update(builder.safeties())
    return {
        code: rule_marker(safeties.get(code, {FixSafety.SAFE})) if info.fixable else ""
        for code, info in RULE_INFO.items()
    }
