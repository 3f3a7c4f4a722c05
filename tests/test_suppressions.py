"""Inline and file-level suppression comments."""

from __future__ import annotations

import pytest
from conftest import HIGH_SGD, diagnostics, reported_codes, write


def found(source: str, only=None) -> set[tuple[int, str]]:
    """(line, code) of the findings but WL101: many comments here hide nothing on purpose, and
    what WL101 says of them is tested in test_unused_suppression.py."""
    return {(d.line, d.code) for d in diagnostics(source) if d.code != "WL101" and (only is None or d.code in only)}


def codes(source: str) -> set[str]:
    return {code for _, code in found(source)}


# A training run (the optimizer is stepped in a loop) with one WL001 on line 2, where the comment goes.
LINE = (
    "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1){comment}\nfor batch in loader:\n    opt.step()\n"
)


def with_comment(comment: str) -> str:
    return LINE.format(comment=comment)


def test_unsuppressed_baseline():
    assert found(with_comment("")) == {(2, "WL001")}
    assert found(with_comment("  # an ordinary comment")) == {(2, "WL001")}


@pytest.mark.parametrize(
    "comment",
    [
        "  # warmlint: ignore[WL001]",
        "  # warmlint: ignore",
        "  # noqa: WL001",
        "  # NOQA: WL001",
        "  # noqa:WL001",
        "  # noqa: wl001",
        "  #warmlint:ignore[WL001]",
        "  # warmlint: ignore[WL002, WL001]",
        "  # warmlint: ignore[WL002,WL001]",
        "  # noqa: E501, WL001",
        "  # noqa: E501,WL001",
        "  # type: ignore  # noqa: WL001",
        "  # warmlint: ignore[WL001]  -- tuned by hand",
        "  # noqa: E731, E501, WL001",
        "  # warmlint: ignore[high-lr-without-schedule]",  # a rule name works as its code
        "  # warmlint: ignore[WL002, high-lr-without-schedule]",
        "  # warmlint: ignore[High-LR-Without-Schedule]",
    ],
)
def test_line_suppression(comment):
    assert found(with_comment(comment)) == set()  # suppressed, and no WL100 either


@pytest.mark.parametrize(
    "comment",
    [
        "  # warmlint: ignore[WL002]",
        "  # noqa: WL002",
        "  # noqa: E501",
        "  # noqa: E731",  # another linter's code: theirs, not an unknown warmlint code
        "  # lint: noqa-ish",
        "  # warmlint: ignored on purpose",
        "  # warmlint: ignore-next-line",
        "  # noqa-ish",
        "  # noqaWL001",
    ],
)
def test_suppression_for_another_code_does_not_suppress(comment):
    assert found(with_comment(comment)) == {(2, "WL001")}


@pytest.mark.parametrize("comment", ["  # noqa", "  # NOQA", "  # noqa  # E731 on the lambda", "  #noqa"])
def test_bare_noqa_does_not_suppress_warmlint(comment):
    # A bare `# noqa` is written for other linters; it is not a warmlint suppression, nor an invalid one.
    assert found(with_comment(comment)) == {(2, "WL001")}


INVALID = [
    "  # warmlint: ignore WL002",  # no brackets
    "  # warmlint: ignore WL001",  # no brackets, even with the right code: it must not suppress
    "  # warmlint: ignore[]",  # no code between the brackets
    "  # warmlint: ignore[ ]",
    "  # warmlint: ignore[WL00]",  # a prefix is not a code
    "  # warmlint: ignore[WL999]",  # no such rule
    "  # warmlint: ignore[high-lr]",  # no such rule name
    "  # noqa: WL0011",
    "  # noqa: WL01",
    "  # noqa: E501, WL01",
]


@pytest.mark.parametrize("comment", INVALID)
def test_invalid_suppression_suppresses_nothing_and_is_reported(comment):
    result = diagnostics(with_comment(comment))
    assert {(d.line, d.code) for d in result} == {(2, "WL001"), (2, "WL100")}
    (invalid,) = [d for d in result if d.code == "WL100"]
    assert invalid.name == "invalid-suppression"
    assert invalid.column == 1
    assert invalid.severity.value == "warning"
    assert comment.strip() in invalid.message  # the message names the comment


@pytest.mark.parametrize("comment", INVALID)
def test_invalid_suppression_on_a_line_without_a_finding(comment):
    source = f"import torch\nx = 1{comment}\n"
    assert found(source) == {(2, "WL100")}


@pytest.mark.parametrize("comment", ["  # noqa: E731", "  # noqa", "  # noqa: E731,E501", "  # type: ignore"])
def test_other_linters_comments_on_an_lr_lambda_are_not_invalid(comment):
    source = (
        "import torch\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
        f"decay = lambda s: 0.95 ** s{comment}\n"
        "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, decay)\n"
        "for batch in loader:\n"
        "    optimizer.step()\n"
        "    scheduler.step()\n"
    )
    assert "WL100" not in codes(source)


def test_invalid_suppression_can_be_ignored(cli, in_tmp):
    write(in_tmp, "train.py", with_comment("  # warmlint: ignore WL001"))
    assert reported_codes(cli("check", "train.py").stdout) == ["WL001", "WL100"]
    assert reported_codes(cli("check", "--ignore", "WL100", "train.py").stdout) == ["WL001"]
    assert reported_codes(cli("check", "--select", "WL100", "train.py").stdout) == ["WL100"]


def test_suppression_inside_a_string_does_not_count():
    assert found(with_comment("; note = '# noqa: WL001'")) == {(2, "WL001")}


def test_suppression_on_another_line_does_not_count():
    loop = "for batch in loader:\n    opt.step()\n"
    above = "import torch\n# noqa: WL001\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n" + loop
    below = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n# warmlint: ignore\n" + loop
    assert found(above) == {(3, "WL001")}
    assert found(below) == {(2, "WL001")}


def test_suppression_on_enclosing_block_header_does_not_count():
    source = (
        "import torch\n"
        "def build(model):  # warmlint: ignore\n"
        "    return torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "opt = build(net)\n"
        "for batch in loader:\n"
        "    opt.step()\n"
    )
    assert found(source) == {(3, "WL001")}


MULTILINE = """\
import torch
optimizer = torch.optim.SGD({c1}
    model.parameters(),{c2}
    lr=0.1,{c3}
    momentum=0.9,
){c4}
for batch in loader:
    optimizer.step()
"""


@pytest.mark.parametrize("slot", ["c1", "c2", "c3", "c4"])
@pytest.mark.parametrize("comment", ["  # warmlint: ignore[WL001]", "  # noqa: WL001", "  # warmlint: ignore"])
def test_multiline_statement_suppressed_from_any_line(slot, comment):
    slots = {name: "" for name in ("c1", "c2", "c3", "c4")}
    assert found(MULTILINE.format(**slots)) == {(2, "WL001")}
    slots[slot] = comment
    assert found(MULTILINE.format(**slots)) == set()


@pytest.mark.parametrize("slot", ["c1", "c2", "c3", "c4"])
def test_multiline_statement_bare_noqa_does_not_suppress(slot):
    slots = {name: "" for name in ("c1", "c2", "c3", "c4")}
    slots[slot] = "  # noqa"
    assert found(MULTILINE.format(**slots)) == {(2, "WL001")}


@pytest.mark.parametrize("slot", ["c1", "c2", "c3", "c4"])
def test_multiline_statement_invalid_suppression_is_reported_on_its_own_line(slot):
    slots = {name: "" for name in ("c1", "c2", "c3", "c4")}
    slots[slot] = "  # warmlint: ignore WL001"
    line = {"c1": 2, "c2": 3, "c3": 4, "c4": 6}[slot]
    assert found(MULTILINE.format(**slots)) == {(2, "WL001"), (line, "WL100")}


def test_multiline_statement_other_code_does_not_suppress():
    source = MULTILINE.format(c1="", c2="", c3="  # noqa: WL002", c4="")
    assert found(source) == {(2, "WL001")}


def test_multiline_suppression_does_not_leak_to_the_next_statement():
    source = (
        "import torch\n"
        "a = torch.optim.SGD(\n"
        "    one.parameters(), lr=0.1,\n"
        ")  # noqa: WL001\n"
        "b = torch.optim.SGD(two.parameters(), lr=0.1)\n"
        "for batch in loader:\n"
        "    a.step()\n"
        "    b.step()\n"
    )
    assert found(source) == {(5, "WL001")}


def test_suppresses_only_the_named_code_on_a_line_with_two_codes():
    # WL003 on the lambda line; the optimizer line has WL001 only if nothing changes its LR,
    # so use two optimizers: one flagged by WL001, one with a warmup-only LambdaLR.
    source = (
        "import torch\n"
        "a = torch.optim.SGD(one.parameters(), lr=0.1); b = torch.optim.AdamW(two.parameters(), lr=1e-3); "
        "s = torch.optim.lr_scheduler.LambdaLR(b, lambda t: min(1.0, (t + 1) / 100)){comment}\n"
        "for step in range(1000):\n"
        "    a.step()\n"
        "    b.step()\n"
        "    s.step()\n"
    )
    both = ("WL001", "WL003")
    assert found(source.format(comment=""), only=both) == {(2, "WL001"), (2, "WL003")}
    assert found(source.format(comment="  # noqa: WL003"), only=both) == {(2, "WL001")}
    assert found(source.format(comment="  # warmlint: ignore[WL001]"), only=both) == {(2, "WL003")}
    assert found(source.format(comment="  # noqa: WL001, WL003"), only=both) == set()


# ---- file level --------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "# warmlint: noqa\n",
        "# warmlint: noqa[WL001]\n",
        "# warmlint: noqa[WL002, WL001]\n",
        "#warmlint:noqa\n",
    ],
)
def test_file_level_suppression(header):
    source = HIGH_SGD + "b = torch.optim.Adam(m.parameters(), lr=0.1)\nfor batch in loader:\n    b.step()\n"
    assert found(source) == {(2, "WL001"), (5, "WL001")}
    assert found(header + source) == set()


def test_file_level_suppression_anywhere_in_the_file():
    assert found(HIGH_SGD + "# warmlint: noqa\n") == set()


@pytest.mark.parametrize("header", ["# warmlint: noqa[WL002]\n", "# noqa\n", "# warmlint: ignore\n"])
def test_file_level_suppression_of_another_code_or_plain_noqa(header):
    # A plain `# noqa` / `# warmlint: ignore` on its own line is a line suppression, not file-level.
    assert found(header + HIGH_SGD) == {(3, "WL001")}


def test_file_level_suppression_of_one_code_keeps_the_others():
    source = (
        "# warmlint: noqa[WL001]\n"
        "import torch\n"
        "a = torch.optim.SGD(one.parameters(), lr=0.1)\n"
        "b = torch.optim.AdamW(two.parameters(), lr=1e-3)\n"
        "s = torch.optim.lr_scheduler.LambdaLR(b, lambda t: min(1.0, (t + 1) / 100))\n"
        "for step in range(1000):\n"
        "    b.step()\n"
        "    s.step()\n"
    )
    assert found(source) == {(5, "WL003")}


def test_suppression_through_the_cli(cli, in_tmp):
    write(in_tmp, "a.py", with_comment("  # noqa: WL001"))
    write(in_tmp, "b.py", with_comment("  # noqa: WL002"))
    write(in_tmp, "c.py", "# warmlint: noqa\n" + HIGH_SGD)
    result = cli("check", ".")
    assert result.exit_code == 1
    assert reported_codes(result.stdout) == ["WL001", "WL101"]  # b.py's comment hides nothing
    assert "b.py:2:7: WL001" in result.stdout and "b.py:2:52: WL101" in result.stdout


def test_a_suppression_comment_does_not_read_as_a_warmup_comment():
    # "warmlint" starts with "warm": a suppression near a constant LR write must not make it a "warmup".
    source = (
        "import torch\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "for x in data:\n"
        "    for group in optimizer.param_groups:  # warmlint: ignore[WL001]\n"
        "        group['lr'] = 0.01\n"
        "    optimizer.step()\n"
    )
    assert "WL002" not in codes(source)
    assert "WL002" in codes(source.replace("# warmlint: ignore[WL001]", "# warmup"))


@pytest.mark.parametrize("comment", ["# warmlint: ignore[constant-warmup]", "# noqa: constant-warmup"])
def test_a_rule_name_in_a_suppression_does_not_read_as_a_warmup_comment(comment):
    # Nor does `constant-warmup`: otherwise the comment would create the very finding it hides.
    source = (
        "import torch\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "for g in optimizer.param_groups:\n"
        f"    g['lr'] = 0.001  {comment}\n"
        "for x in data:\n"
        "    optimizer.step()\n"
    )
    assert [(d.line, d.code) for d in diagnostics(source)] == [(4, "WL101")]
    assert "WL002" in codes(source.replace(comment, "# warmup"))
    assert "WL002" in codes(source.replace(comment, "# warmup  # noqa: E501"))


def test_add_noqa_silences_every_current_finding_and_only_those(tmp_path):
    from click.testing import CliRunner

    from warmlint.cli import main

    script = tmp_path / "train.py"
    script.write_text(
        "import torch\n"
        "a = torch.optim.SGD(m.parameters(), lr=0.1)  # noqa: E501\n"
        "b = torch.optim.SGD(n.parameters(), lr=0.1)\n"
        "for batch in loader:\n    a.step()\n    b.step()\n"
    )
    result = CliRunner().invoke(main, ["check", "--no-cache", "--add-noqa", str(script)])
    assert result.exit_code == 0, result.output
    assert "Added 2 noqa comments to 1 file." in result.output
    lines = script.read_text().splitlines()
    assert lines[1].endswith("# noqa: E501, WL001")  # another linter's list is extended, not replaced
    assert lines[2].endswith("# noqa: WL001")
    assert CliRunner().invoke(main, ["check", "--no-cache", str(script)]).exit_code == 0
    script.write_text(script.read_text() + "c = torch.optim.SGD(k.parameters(), lr=0.1)\nfor x in y:\n    c.step()\n")
    assert CliRunner().invoke(main, ["check", "--no-cache", str(script)]).exit_code == 1  # a new finding is not


def test_ignore_noqa_reports_what_suppressions_silence(tmp_path):
    from click.testing import CliRunner

    from warmlint.cli import main

    script = tmp_path / "train.py"
    script.write_text(with_comment("  # noqa: WL001") + "for batch in loader:\n    opt.step()\n")
    runner = CliRunner()
    assert runner.invoke(main, ["check", "--no-cache", str(script)]).exit_code == 0
    shown = runner.invoke(main, ["check", "--no-cache", "--ignore-noqa", str(script)])
    assert shown.exit_code == 1 and "WL001" in shown.output
    (tmp_path / "pyproject.toml").write_text("[tool.warmlint]\nignore-noqa = true\n")
    assert runner.invoke(main, ["check", "--no-cache", str(script)]).exit_code == 1
