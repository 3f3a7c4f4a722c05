"""Inline and file-level suppression comments."""

from __future__ import annotations

import pytest
from conftest import HIGH_SGD, codes, found, reported_codes, write

LINE = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1){comment}\n"


def with_comment(comment: str) -> str:
    return LINE.format(comment=comment)


def test_unsuppressed_baseline():
    assert found(with_comment("")) == {(2, "WL001")}
    assert found(with_comment("  # an ordinary comment")) == {(2, "WL001")}


@pytest.mark.parametrize("comment", [
    "  # warmlint: ignore[WL001]",
    "  # warmlint: ignore",
    "  # noqa: WL001",
    "  # noqa",
    "  # NOQA",
    "  # noqa:WL001",
    "  # noqa: wl001",
    "  #warmlint:ignore[WL001]",
    "  # warmlint: ignore[WL002, WL001]",
    "  # warmlint: ignore[WL002,WL001]",
    "  # noqa: E501, WL001",
    "  # noqa: E501,WL001",
    "  # type: ignore  # noqa: WL001",
    "  # warmlint: ignore[WL001]  -- tuned by hand",
])
def test_line_suppression(comment):
    assert found(with_comment(comment)) == set()


@pytest.mark.parametrize("comment", [
    "  # warmlint: ignore[WL002]",
    "  # noqa: WL002",
    "  # noqa: E501",
    "  # noqa: WL0011",
    "  # warmlint: ignore[WL00]",  # a prefix is not a code
    "  # lint: noqa-ish",
    "  # warmlint: ignored on purpose",
    "  # warmlint: ignore-next-line",
    "  # noqa-ish",
    "  # noqaWL001",
])
def test_suppression_for_another_code_does_not_suppress(comment):
    assert found(with_comment(comment)) == {(2, "WL001")}


def test_suppression_inside_a_string_does_not_count():
    assert found(with_comment("; note = '# noqa: WL001'")) == {(2, "WL001")}


def test_suppression_on_another_line_does_not_count():
    above = "import torch\n# noqa: WL001\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    below = "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n# warmlint: ignore\n"
    assert found(above) == {(3, "WL001")}
    assert found(below) == {(2, "WL001")}


def test_suppression_on_enclosing_block_header_does_not_count():
    source = ("import torch\n"
              "def build(model):  # warmlint: ignore\n"
              "    return torch.optim.SGD(model.parameters(), lr=0.1)\n"
              "opt = build(net)\n")
    assert found(source) == {(3, "WL001")}


MULTILINE = """\
import torch
optimizer = torch.optim.SGD({c1}
    model.parameters(),{c2}
    lr=0.1,{c3}
    momentum=0.9,
){c4}
"""


@pytest.mark.parametrize("slot", ["c1", "c2", "c3", "c4"])
@pytest.mark.parametrize("comment", ["  # warmlint: ignore[WL001]", "  # noqa: WL001", "  # noqa"])
def test_multiline_statement_suppressed_from_any_line(slot, comment):
    slots = {name: "" for name in ("c1", "c2", "c3", "c4")}
    assert found(MULTILINE.format(**slots)) == {(2, "WL001")}
    slots[slot] = comment
    assert found(MULTILINE.format(**slots)) == set()


def test_multiline_statement_other_code_does_not_suppress():
    source = MULTILINE.format(c1="", c2="", c3="  # noqa: WL002", c4="")
    assert found(source) == {(2, "WL001")}


def test_multiline_suppression_does_not_leak_to_the_next_statement():
    source = ("import torch\n"
              "a = torch.optim.SGD(\n"
              "    one.parameters(), lr=0.1,\n"
              ")  # noqa: WL001\n"
              "b = torch.optim.SGD(two.parameters(), lr=0.1)\n")
    assert found(source) == {(5, "WL001")}


def test_suppresses_only_the_named_code_on_a_line_with_two_codes():
    # WL003 on the lambda line; the optimizer line has WL001 only if nothing changes its LR,
    # so use two optimizers: one flagged by WL001, one with a warmup-only LambdaLR.
    source = ("import torch\n"
              "a = torch.optim.SGD(one.parameters(), lr=0.1); b = torch.optim.AdamW(two.parameters(), lr=1e-3); "
              "s = torch.optim.lr_scheduler.LambdaLR(b, lambda t: min(1.0, (t + 1) / 100)){comment}\n")
    both = ("WL001", "WL003")
    assert found(source.format(comment=""), only=both) == {(2, "WL001"), (2, "WL003")}
    assert found(source.format(comment="  # noqa: WL003"), only=both) == {(2, "WL001")}
    assert found(source.format(comment="  # warmlint: ignore[WL001]"), only=both) == {(2, "WL003")}
    assert found(source.format(comment="  # noqa: WL001, WL003"), only=both) == set()


# ---- file level --------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    "# warmlint: noqa\n",
    "# warmlint: noqa[WL001]\n",
    "# warmlint: noqa[WL002, WL001]\n",
    "#warmlint:noqa\n",
])
def test_file_level_suppression(header):
    source = header + HIGH_SGD + "b = torch.optim.Adam(m.parameters(), lr=0.01)\n"
    assert found(source) == set()


def test_file_level_suppression_anywhere_in_the_file():
    assert found(HIGH_SGD + "# warmlint: noqa\n") == set()


@pytest.mark.parametrize("header", ["# warmlint: noqa[WL002]\n", "# noqa\n", "# warmlint: ignore\n"])
def test_file_level_suppression_of_another_code_or_plain_noqa(header):
    # A plain `# noqa` / `# warmlint: ignore` on its own line is a line suppression, not file-level.
    assert found(header + HIGH_SGD) == {(3, "WL001")}


def test_file_level_suppression_of_one_code_keeps_the_others():
    source = ("# warmlint: noqa[WL001]\n"
              "import torch\n"
              "a = torch.optim.SGD(one.parameters(), lr=0.1)\n"
              "b = torch.optim.AdamW(two.parameters(), lr=1e-3)\n"
              "s = torch.optim.lr_scheduler.LambdaLR(b, lambda t: min(1.0, (t + 1) / 100))\n"
              "for step in range(1000):\n"
              "    b.step()\n"
              "    s.step()\n")
    assert found(source) == {(5, "WL003")}


def test_suppression_through_the_cli(cli, in_tmp):
    write(in_tmp, "a.py", with_comment("  # noqa: WL001"))
    write(in_tmp, "b.py", with_comment("  # noqa: WL002"))
    write(in_tmp, "c.py", "# warmlint: noqa\n" + HIGH_SGD)
    result = cli("check", ".")
    assert result.exit_code == 1
    assert reported_codes(result.stdout) == ["WL001"]
    assert "b.py:2:" in result.stdout


def test_a_suppression_comment_does_not_read_as_a_warmup_comment():
    # "warmlint" starts with "warm": a suppression near a constant LR write must not make it a "warmup".
    source = ("import torch\n"
              "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
              "for x in data:\n"
              "    for group in optimizer.param_groups:  # warmlint: ignore[WL001]\n"
              "        group['lr'] = 0.01\n"
              "    optimizer.step()\n")
    assert "WL002" not in codes(source)
    assert "WL002" in codes(source.replace("# warmlint: ignore[WL001]", "# warmup"))
