"""Each rule has one documentation page, and its Bad/Good examples behave as documented."""

from __future__ import annotations

import re

import pytest
from conftest import RULE_DOCS

from warmlint.engine.lint import check_source
from warmlint.output.rule_docs import rule_doc, rule_doc_path
from warmlint.rule_index import RULE_INFO, RuleInfo, all_codes
from warmlint.rules import CHECKS, rule

CODES = all_codes()
PAGE_NAME = re.compile(r"^(?P<code>WL\d{3})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def pages() -> list:
    return sorted(RULE_DOCS.glob("*.md"))


def section_code(text: str, heading: str) -> str | None:
    """The first ```python block under `## heading` (before the next `## `), or None."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(?P<body>.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return None
    block = re.search(r"^```python[ \t]*\n(?P<code>.*?)^```", match.group("body"), re.M | re.S)
    return block.group("code") if block else None


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


def test_every_listed_rule_but_the_engines_own_has_exactly_one_check():
    # WL000 is reported by the parser step itself, WL100 and WL101 by the reading of suppression
    # comments; every other listed rule needs its check.
    assert {"WL000", "WL100", "WL101"} <= set(CODES)
    assert set(CHECKS) == set(CODES) - {"WL000", "WL100", "WL101"}


def test_a_second_check_for_a_code_or_a_declaration_that_differs_from_the_index_is_refused():
    original = CHECKS["WL001"]
    with pytest.raises(ValueError, match="two checks for rule WL001"):
        rule(RULE_INFO["WL001"])(lambda ctx: [])
    with pytest.raises(ValueError, match="WL001 differs from warmlint.rule_index"):
        rule(RuleInfo("WL001", "another-name", "Another summary."))
    assert CHECKS["WL001"] is original


@pytest.mark.parametrize("code", CODES)
def test_exactly_one_page_per_rule_named_after_it(code):
    matching = [p for p in pages() if p.name.startswith(f"{code}-")]
    assert len(matching) == 1, f"expected one rules/{code}-<name>.md, found {[p.name for p in matching]}"
    page = matching[0]
    assert page.name == f"{code}-{RULE_INFO[code].name}.md"
    text = page.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# {code}: {RULE_INFO[code].name}"
    assert rule_doc(code) == text


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
    result = check_source(source, f"{code}_{section.lower()}.py")
    assert result.error is None
    codes = [d.code for d in result.diagnostics]
    if section == "Bad":
        assert code in codes, f"the Bad example of {code} is not flagged: {codes}"
    else:
        assert code not in codes, f"the Good example of {code} is flagged: {result.diagnostics}"
        # A good example should not trip any other rule either.
        assert codes == [], f"the Good example of {code} is flagged: {result.diagnostics}"
        compile(source, "good.py", "exec")  # also valid for CPython (compiled, never run)


def test_the_rule_index_is_written_from_each_rules_declaration():
    from warmlint.engine.declarations import declared, index_source, written_index

    assert index_source(declared()) == written_index(), "run `python -m warmlint.engine.declarations`"
    assert {info.code for info in declared()} == set(RULE_INFO)


THROWAWAY = """
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo("WL901", "every-optimizer", "Reports every optimizer (a rule that exists only in a test).")


@rule(RULE)
def check(ctx: RuleContext):
    for optimizer in ctx.model.optimizers:
        yield Finding(node=optimizer.call.node, message=f"{optimizer.short_name} is here")
"""


@pytest.fixture
def throwaway_rule(tmp_path):
    """A rule module outside the package, loaded the way a plugin would be; removed afterwards."""
    import importlib.util

    from warmlint.rules.base import CHECKS

    path = tmp_path / "wl901_every_optimizer.py"
    path.write_text(THROWAWAY)
    spec = importlib.util.spec_from_file_location("wl901_every_optimizer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module.RULE
    CHECKS.pop("WL901", None)
    RULE_INFO.pop("WL901", None)


def test_a_rule_declared_in_one_module_reaches_every_output(throwaway_rule, tmp_path):
    import json

    from click.testing import CliRunner

    from warmlint.cli import main

    script = tmp_path / "train.py"
    script.write_text("import torch\nopt = torch.optim.Adam(p, lr=1e-4)\n")
    runner = CliRunner()
    listed = runner.invoke(main, ["rule", "--all"])
    assert "WL901" in listed.output and "every-optimizer" in listed.output
    report = runner.invoke(main, ["check", "--no-cache", "--output-format", "json", str(script)])
    assert [d["code"] for d in json.loads(report.output)] == ["WL901"]
    sarif = json.loads(runner.invoke(main, ["check", "--no-cache", "--output-format", "sarif", str(script)]).output)
    run = sarif["runs"][0]
    assert "WL901" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert [result["ruleId"] for result in run["results"]] == ["WL901"]
