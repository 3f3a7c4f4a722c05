"""docs/fixing.md shows each kind of fix as `warmlint fix` prints it on a bundled fixture: every
`warmlint fix [--unsafe-fixes] fixtures/...` example there prints what the page shows (the slow README test runs
them again in a fresh install, with the page's other examples)."""

from __future__ import annotations

import shlex

import pytest
from conftest import REPO
from lanes import fast_share
from readme_examples import examples, matches

PAGE = REPO / "docs" / "fixing.md"
FIXES = [
    e
    for block in examples(PAGE)
    for e in block
    if e.shows_output and e.command.startswith("warmlint fix ") and " fixtures/" in e.command
]


def test_the_page_shows_a_diff_for_every_fixable_rule():
    shown = {e.command.split("fixtures/")[1][:5].upper() for e in FIXES}
    from warmlint.rule_index import RULE_INFO

    assert shown == {code for code, rule in RULE_INFO.items() if rule.fixable}


@pytest.mark.parametrize("example", fast_share(FIXES, kind=lambda example: "diff"), ids=lambda e: f"line {e.line}")
def test_each_diff_is_what_fix_prints(cli, monkeypatch, example):
    monkeypatch.chdir(REPO)
    result = cli(*shlex.split(example.command)[1:])
    assert result.exit_code == 1
    printed = [line.rstrip() for line in result.output.splitlines()]
    assert matches(example.expected, printed), "\n".join(printed)
