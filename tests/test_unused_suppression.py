"""WL101: a suppression comment that hides nothing is reported, and its fix removes only that."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HIGH_SGD, LOW_SGD, diagnostics, found, reported_codes, write

from warmlint.config import Config
from warmlint.diagnostics import FixSafety
from warmlint.engine.fixer import fix_source

# A training run whose optimizer line (2) has a WL001 (HIGH) or nothing (LOW), with `comment` on it.
HIGH = HIGH_SGD.replace("lr=0.1)\n", "lr=0.1){comment}\n")
LOW = LOW_SGD.replace("lr=0.01)\n", "lr=0.01){comment}\n")


def unused(source: str, config: Config | None = None) -> list:
    return [d for d in diagnostics(source, config=config) if d.code == "WL101"]


def line_two(source: str) -> str:
    return source.splitlines()[1]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("  # noqa: WL001", "unused suppression: WL001 reports nothing on this line"),
        ("  # warmlint: ignore[WL001]", "unused suppression: WL001 reports nothing on this line"),
        ("  # warmlint: ignore[high-lr-without-schedule]", "unused suppression: WL001 reports nothing on this line"),
        ("  # warmlint: ignore[WL001, WL004]", "unused suppression: WL001, WL004 report nothing on this line"),
        ("  # warmlint: ignore", "unused suppression: no rule reports anything on this line"),
    ],
)
def test_a_suppression_on_a_line_without_findings_is_reported_on_the_comment(comment: str, message: str):
    source = LOW.format(comment=comment)
    [d] = unused(source)
    assert (d.line, d.column) == (2, line_two(source).index("#") + 1)
    assert d.name == "unused-suppression" and d.message == message
    assert d.severity.value == "warning"
    assert d.fixable and d.fix_safety is FixSafety.SAFE
    assert found(source) == {(2, "WL101")}


@pytest.mark.parametrize(
    ("template", "comment", "fixed"),
    [
        (LOW, "  # noqa: WL001", ""),  # nothing left: the comment goes, with the spaces before it
        (LOW, "  # noqa: E501, WL001", "  # noqa: E501"),  # other linters' codes stay
        (LOW, "  # noqa: WL001,E501", "  # noqa: E501"),
        (LOW, "  # NOQA: E501,WL004,E731", "  # NOQA: E501,E731"),  # their separators too
        (LOW, "  # type: ignore  # noqa: WL004", "  # type: ignore"),
        (LOW, "  # warmlint: ignore[WL004]  -- tuned by hand", "  # -- tuned by hand"),  # the note is the user's
        (LOW, "  # warmlint: ignore[WL999, WL004]", "  # warmlint: ignore[WL999]"),  # an unknown code is WL100's
        (HIGH, "  # warmlint: ignore[WL002, WL001]", "  # warmlint: ignore[WL001]"),  # the code that hides stays
        (HIGH, "  # noqa: WL001, WL004", "  # noqa: WL001"),
    ],
)
def test_the_fix_removes_only_the_unused_codes(template: str, comment: str, fixed: str):
    source = template.format(comment=comment)
    assert len(unused(source)) == 1
    after = fix_source(source, "train.py")
    assert line_two(after) == line_two(template.format(comment=fixed))
    assert unused(after) == []
    assert found(after) == {d for d in found(source) if d[1] != "WL101"}  # every other report is as it was


def test_a_suppression_that_hides_a_finding_is_not_reported():
    for comment in ("  # noqa: WL001", "  # warmlint: ignore", "  # warmlint: ignore[WL001]", "  # noqa: E501, WL001"):
        assert found(HIGH.format(comment=comment)) == set()


def test_a_suppression_on_any_line_of_the_statement_counts_as_used():
    source = (
        "import torch\n"
        "opt = torch.optim.SGD(\n"
        "    model.parameters(),  # noqa: WL001\n"
        "    lr=0.1,\n"
        ")\n"
        "for batch in loader:\n"
        "    opt.step()\n"
    )
    assert found(source) == set()
    assert found(source.replace("lr=0.1", "lr=0.01")) == {(3, "WL101")}


def test_a_comment_on_its_own_line_hides_nothing_and_its_line_is_removed():
    # A suppression applies to its own line only, not to the statement below it.
    source = "import torch\n# noqa: WL001\n" + HIGH_SGD.removeprefix("import torch\n")
    assert found(source) == {(2, "WL101"), (3, "WL001")}
    assert fix_source(source, "train.py").startswith("import torch\nopt = torch.optim.SGD(")


def test_file_level_suppressions():
    two_findings = HIGH_SGD + "b = torch.optim.Adam(m.parameters(), lr=0.1)\nfor batch in loader:\n    b.step()\n"
    assert found("# warmlint: noqa[WL001]\n" + two_findings) == set()  # its rule fired, so it is used
    assert found("# warmlint: noqa\n" + two_findings) == set()
    assert found("# warmlint: noqa[WL008]\n" + two_findings) == {(1, "WL101"), (3, "WL001"), (6, "WL001")}
    [d] = unused("# warmlint: noqa[WL008, WL001]\n" + two_findings)
    assert d.message == "unused suppression: WL008 reports nothing in this file"
    assert found("# warmlint: noqa\n" + LOW_SGD) == {(1, "WL101")}
    assert fix_source("# warmlint: noqa[WL008]\n" + LOW_SGD, "train.py") == LOW_SGD  # its line goes


def test_codes_of_rules_that_did_not_run_are_not_judged():
    source = LOW.format(comment="  # noqa: WL004")
    assert found(source) == {(2, "WL101")}
    assert found(source, config=Config(select=("WL001", "WL101"))) == set()
    assert found(source, config=Config(ignore=("WL004",))) == set()
    per_file = Config(per_file_ignores=(("train.py", ("WL004",)),))
    assert found(source, config=per_file) == set()
    # A blanket suppression is judged only when every rule ran.
    blanket = LOW.format(comment="  # warmlint: ignore")
    assert found(blanket, config=Config(ignore=("WL013",))) == set()
    assert found("# warmlint: noqa\n" + LOW_SGD, config=Config(select=("WL001", "WL101"))) == set()
    # A selected rule's code next to one that did not run: only the first is judged.
    [d] = unused(LOW.format(comment="  # noqa: WL001, WL004"), config=Config(select=("WL001", "WL101")))
    assert d.message == "unused suppression: WL001 reports nothing on this line"


def test_nothing_is_judged_with_ignore_noqa_or_when_wl101_is_off():
    source = LOW.format(comment="  # noqa: WL001")
    assert found(source, config=Config(ignore_noqa=True)) == set()
    assert found(source, config=Config(ignore=("WL101",))) == set()
    assert found(HIGH.format(comment="  # noqa: WL004"), config=Config(ignore_noqa=True)) == {(2, "WL001")}


@pytest.mark.parametrize(
    "comment",
    ["  # noqa: E501", "  # noqa", "  # noqa: E501, F401", "  # type: ignore", "  # noqa: WL100", "  # noqa: WL101"],
)
def test_other_linters_codes_and_the_engines_own_codes_are_not_judged(comment: str):
    assert found(LOW.format(comment=comment)) == set()


def test_an_unknown_code_is_wl100_not_wl101():
    assert found(LOW.format(comment="  # noqa: WL999")) == {(2, "WL100")}


def test_check_and_fix_apply_through_the_cli(cli, in_tmp: Path):
    path = write(in_tmp, "train.py", HIGH.format(comment="  # noqa: E501, WL001, WL004"))
    result = cli("check", "--no-cache", "train.py")
    assert reported_codes(result.stdout) == ["WL101"]
    assert "train.py:2:52: WL101 [*] [unused-suppression]" in result.stdout
    assert cli("check", "--no-cache", "--select", "WL001,WL101", "train.py").exit_code == 0  # WL004 did not run
    applied = cli("fix", "--apply", "train.py")
    assert applied.exit_code == 0, applied.output
    assert line_two(path.read_text()).endswith("lr=0.1)  # noqa: E501, WL001")
    assert cli("check", "--no-cache", "train.py").exit_code == 0


def test_add_noqa_leaves_an_unused_suppression_to_wl101(cli, in_tmp: Path):
    write(in_tmp, "train.py", HIGH_SGD + "x = 1  # noqa: WL004\n")
    result = cli("check", "--no-cache", "--add-noqa", "train.py")
    assert result.exit_code == 0, result.output
    assert "Added 1 noqa comment to 1 file." in result.output
    assert reported_codes(cli("check", "--no-cache", "train.py").stdout) == ["WL101"]


def test_a_file_level_noqa_hides_the_reports_of_line_suppressions():
    line = LOW.format(comment="  # noqa: WL004")
    assert found("# warmlint: noqa\n" + line) == set()  # the whole file is skipped, and the noqa is used
    assert found("# warmlint: noqa[WL101]\n" + line) == set()
    assert found("# warmlint: noqa[unused-suppression, WL008]\n" + line) == {(1, "WL101")}  # WL008 hid nothing
