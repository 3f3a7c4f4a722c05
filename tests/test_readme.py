"""The README's rule table lists exactly the registered rules."""

import re
from pathlib import Path

from warmlint.rule_index import RULE_INFO

README = Path(__file__).resolve().parent.parent / "README.md"


def test_rule_table_matches_the_registry():
    rows = re.findall(r"^\| (WL\d{3}) \| ([a-z0-9-]+) \|", README.read_text(), re.M)
    assert dict(rows) == {code: rule.name for code, rule in RULE_INFO.items()}
