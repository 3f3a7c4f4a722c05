"""Each rule has one documentation page, and its Bad/Good examples behave as documented."""

from __future__ import annotations

import re

import pytest
from conftest import RULE_DOCS
from rule_pages import example_problems, page_problems, section_code

from warmlint.engine.lint import RULES
from warmlint.output.rule_docs import rule_doc_path
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes
from warmlint.rules import rule

CODES = all_codes()
PAGE_NAME = re.compile(r"^(?P<code>WL\d{3})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def pages() -> list:
    return sorted(RULE_DOCS.glob("*.md"))


def examples() -> list[tuple[str, str, str]]:
    """(code, section, source) for every rule page with both a Bad and a Good example."""
    found = []
    for code in CODES:
        path = rule_doc_path(code)
        text = path.read_text(encoding="utf-8") if path else ""
        bad, good = section_code(text, "Bad"), section_code(text, "Good")
        if bad is not None and good is not None:
            found += [(code, "Bad", bad), (code, "Good", good)]
    return found


EXAMPLES = examples()


def test_registry_has_the_expected_rules():
    assert {"WL000", "WL001", "WL002", "WL003"} <= set(CODES)
    assert CODES == sorted(set(CODES))


def test_rule_codes_and_names_are_unique_and_well_formed():
    names = [info.name for info in RULE_INFO.values()]
    assert len(names) == len(set(names))
    for code, info in RULE_INFO.items():
        assert info.code == code
        assert re.fullmatch(r"WL\d{3}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.name)
        assert info.summary and "\n" not in info.summary


def test_every_listed_rule_is_registered_and_all_but_the_engines_own_have_a_check():
    # WL000 is reported by the parser step itself, WL100 and WL101 by the reading of suppression
    # comments; every other listed rule needs its check.
    assert set(RULES) == set(CODES)
    assert {code for code, entry in RULES.items() if entry.check is None} == {"WL000", "WL100", "WL101"}


def test_a_second_check_for_a_code_or_a_declaration_that_differs_from_the_index_is_refused():
    original = RULES["WL001"]
    with pytest.raises(ValueError, match="two checks for rule WL001"):
        rule(RULE_INFO["WL001"])(lambda ctx: [])
    with pytest.raises(ValueError, match="WL001 differs from warmlint.rule_index"):
        rule(RuleInfo("WL001", "another-name", "Another summary."))(lambda ctx: [])
    assert RULES["WL001"] is original


@pytest.mark.parametrize("code", CODES)
def test_exactly_one_page_per_rule_named_after_it(code):
    matching = [p for p in pages() if p.name.startswith(f"{code}-")]
    assert len(matching) == 1, f"expected one rules/{code}-<name>.md, found {[p.name for p in matching]}"
    assert page_problems(code) == []


def test_every_page_belongs_to_a_registered_rule():
    assert pages()
    for page in pages():
        match = PAGE_NAME.match(page.name)
        assert match, f"unexpected file name {page.name}"
        assert match["code"] in RULE_INFO, f"{page.name} documents an unregistered rule"
        assert match["name"] == RULE_INFO[match["code"]].name


def test_pages_have_examples():
    documented = {code for code, _, _ in EXAMPLES}
    assert documented, "no rule page has both a ## Bad and a ## Good python example"
    assert {"WL001", "WL002", "WL003"} <= documented


@pytest.mark.parametrize(
    ("code", "section", "source"), EXAMPLES, ids=[f"{code}-{section}" for code, section, _ in EXAMPLES]
)
def test_example_behaves_as_documented(code, section, source):
    assert example_problems(code, section, source) == []


def test_the_rule_index_is_written_from_each_rules_declaration():
    from warmlint.engine.declarations import declared, index_source, written_index

    assert index_source(declared()) == written_index(), "run `python -m warmlint.engine.declarations`"
    assert {info.code for info in declared()} == set(RULE_INFO)
