"""Writing `# noqa: WLxxx`: the comment that the LSP quick fix adds is one warmlint reads back."""

from __future__ import annotations

import pytest

from warmlint.engine.noqa import with_noqa
from warmlint.engine.suppressions import Suppressions
from warmlint.rule_index import code_names


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = f()", "x = f()  # noqa: WL001"),
        ("x = f()   ", "x = f()  # noqa: WL001"),
        ("x = f()  # noqa: E501", "x = f()  # noqa: E501, WL001"),
        ("x = f()  # NOQA:E501,F401  # long", "x = f()  # NOQA:E501,F401, WL001  # long"),
        ("x = f()  # noqa", "x = f()  # noqa  # warmlint: ignore[WL001]"),  # the bare noqa keeps its meaning
    ],
)
def test_the_comment_is_added_or_extended(line: str, expected: str):
    assert with_noqa(line, "WL001") == expected


@pytest.mark.parametrize("line", ["x = f()", "x = f()  # noqa: E501", "x = f()  # noqa"])
def test_warmlint_reads_the_comment_it_wrote(line: str):
    written = with_noqa(line, "WL001")
    suppressions = Suppressions()
    suppressions.add_comment(1, written[written.index("#") :], code_names())
    assert suppressions.suppresses("WL001", range(1, 2)) and not suppressions.problems
