"""`warmlint check --format sarif`: SARIF 2.1.0 that code scanning accepts, with the same positions as
`--format json` and fixes that reproduce `warmlint fix`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import HIGH_SGD, REPO, run_module, write

from warmlint import __version__
from warmlint.config import Config
from warmlint.engine.changed_lines import changed_lines
from warmlint.engine.fixer import fix_bytes
from warmlint.output import sarif
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, all_codes

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def apply_replacement(text: str, change: dict) -> str:
    """Apply one SARIF replacement (1-based line/column region) to `text`, as a SARIF consumer would."""
    lines = LINE.findall(text)

    def offset(line: int, column: int) -> int:
        return sum(len(one) for one in lines[: line - 1]) + column - 1

    region = change["deletedRegion"]
    start = offset(region["startLine"], region["startColumn"])
    end = offset(region["endLine"], region["endColumn"])
    return text[:start] + change["insertedContent"]["text"] + text[end:]


def replacement(before: str, after: str) -> dict:
    """The SARIF replacement warmlint writes for the change from `before` to `after`."""
    deleted, inserted = changed_lines(before, after)
    return {"deletedRegion": sarif.region(deleted), "insertedContent": {"text": inserted}}


@pytest.fixture(scope="module")
def fixture_runs():
    """SARIF and JSON output for every fixture, run from the repository root like a CI job."""
    sarif = run_module("check", "--no-cache", "--format", "sarif", "fixtures/", cwd=REPO)
    plain = run_module("check", "--no-cache", "--format", "json", "fixtures/", cwd=REPO)
    assert sarif.returncode == 1, sarif.stderr.decode()
    return json.loads(sarif.stdout), json.loads(plain.stdout)


def test_log_and_driver(fixture_runs):
    log, _ = fixture_runs
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"] and "2.1.0" in log["$schema"]
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "warmlint"
    assert driver["version"] == __version__
    assert driver["informationUri"] == "https://pypi.org/project/warmlint/"
    assert [rule["id"] for rule in driver["rules"]] == all_codes()


def test_rule_descriptors(fixture_runs):
    log, _ = fixture_runs
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        registered = RULE_INFO[rule["id"]]
        page = rule_doc(rule["id"])
        assert rule["name"] == registered.name
        assert rule["shortDescription"]["text"] == registered.summary
        assert rule["help"]["text"] == page and rule["help"]["markdown"] == page
        finds = rule["fullDescription"]["text"]
        assert finds and finds in page and "## " not in finds
        assert page.index("## What it finds") < page.index(finds)
        assert rule["defaultConfiguration"]["level"] == ("error" if rule["id"] == "WL000" else "warning")


def test_results_match_json_format(fixture_runs):
    log, plain = fixture_runs
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(plain) > 0
    for result, expected in zip(results, plain):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == expected["code"]
        assert result["level"] == expected["severity"]
        assert result["message"]["text"].startswith(expected["message"])
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == expected["path"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"] == {
            "startLine": expected["line"],
            "startColumn": expected["column"],
            "endLine": expected["end_line"],
            "endColumn": expected["end_column"],
        }
        assert min(location["region"].values()) >= 1
        # the fix `warmlint fix --apply` makes: the safe ones, by default; a notebook result carries none,
        # since its region counts cell lines, not lines of the file
        assert ("fixes" in result) == (expected["fix_safety"] == "safe" and "cell" not in expected)


def fixed_text(script: Path) -> str:
    """What `warmlint fix --apply` writes (tests/test_fix.py compares it with the reviewed train.fixed.py)."""
    return fix_bytes(script.read_bytes(), str(script), Config()).fixed.decode("utf-8")


def test_fixes_reproduce_warmlint_fix(fixture_runs):
    log, _ = fixture_runs
    fixed = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert fixed
    for result in fixed:
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        uri = change["artifactLocation"]["uri"]
        assert uri == result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        original = (REPO / uri).read_bytes()
        expected = fixed_text(REPO / uri)
        (edit,) = change["replacements"]
        assert apply_replacement(original.decode("utf-8"), edit) == expected, uri


def test_replacement_is_the_changed_line_range():
    before = "a\nb\nc\nd\n"
    after = "a\nB\nc\nD\nE\n"
    edit = replacement(before, after)
    assert edit["deletedRegion"] == {"startLine": 2, "startColumn": 1, "endLine": 5, "endColumn": 1}
    assert edit["insertedContent"]["text"] == "B\nc\nD\nE\n"
    assert apply_replacement(before, edit) == after


@pytest.mark.parametrize(
    "before, after",
    [
        ("x = 1\ny = 2", "x = 1\ny = 3"),  # no newline at the end
        ("x = 1\n", "x = 1\ny = 2\n"),  # an insertion after the last line
        ("x = 1\r\ny = 2\r\n", "z = 0\r\nx = 1\r\ny = 2\r\n"),  # CRLF, an insertion before the first line
    ],
)
def test_replacement_edges(before, after):
    assert apply_replacement(before, replacement(before, after)) == after


def test_no_fixes_for_source_from_stdin(cli, in_tmp):
    write(in_tmp, "train.py", "x = 1\n")  # what is on disk is not what was checked
    result = cli("check", "--format", "sarif", "--stdin-filename", "train.py", "-", input=TWO_FIXES)
    found = json.loads(result.stdout)["runs"][0]["results"]
    assert [r["ruleId"] for r in found] == ["WL001", "WL003"]
    assert not any("fixes" in r for r in found)


def test_clean_run_is_a_valid_empty_log(cli, in_tmp):
    write(in_tmp, "clean.py", HIGH_SGD.replace("0.1", "0.01"))
    result = cli("check", "--format", "sarif", ".")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULE_INFO)


TWO_FIXES = """\
import torch

gen = torch.optim.SGD(generator.parameters(), lr=0.1)
disc = torch.optim.AdamW(discriminator.parameters(), lr=1e-3)
warmup = torch.optim.lr_scheduler.LambdaLR(disc, lambda s: min(1.0, (s + 1) / 100))
for step in range(1000):
    gen.step()
    disc.step()
    warmup.step()
"""


def test_fixes_only_for_the_reported_rules(cli, in_tmp):
    """A rule left out of the run (WL003 here) does not slip its fix into another rule's replacement."""
    script = write(in_tmp, "train.py", TWO_FIXES)
    assert {d.code for d in fix_bytes(script.read_bytes(), "train.py", Config()).applied} == {"WL001", "WL003"}
    result = cli("check", "--format", "sarif", "--ignore", "WL003", "train.py")
    (found,) = json.loads(result.stdout)["runs"][0]["results"]
    assert found["ruleId"] == "WL001"
    (edit,) = found["fixes"][0]["artifactChanges"][0]["replacements"]
    only_wl001 = fix_bytes(script.read_bytes(), "train.py", Config(select=("WL001",))).fixed.decode()
    assert apply_replacement(TWO_FIXES, edit) == only_wl001
    assert "min(1.0, (s + 1) / 100)" in only_wl001


def test_paths_are_relative_posix_uris(cli, in_tmp):
    write(in_tmp, "my scripts/train.py", HIGH_SGD)
    result = cli("check", "--format", "sarif", str(in_tmp / "my scripts" / "train.py"))
    (found,) = json.loads(result.stdout)["runs"][0]["results"]
    assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20scripts/train.py"


def test_fixes_follow_the_config_option(cli, in_tmp):
    """The fix in the log is the one computed with the run's own config, here a `--config` file."""
    script = write(in_tmp, "train.py", TWO_FIXES)
    settings = '[tool.warmlint]\nignore = ["WL003"]\n[tool.warmlint.fix]\ndecay = "linear"\n'
    write(in_tmp, "elsewhere/settings.toml", settings)
    result = cli("check", "--format", "sarif", "--config", "elsewhere/settings.toml", "train.py")
    (found,) = json.loads(result.stdout)["runs"][0]["results"]
    (edit,) = found["fixes"][0]["artifactChanges"][0]["replacements"]
    linear = Config(ignore=("WL003",), fix=(*Config().fix, ("decay", "linear")))
    expected = fix_bytes(script.read_bytes(), "train.py", linear).fixed.decode()
    assert apply_replacement(TWO_FIXES, edit) == expected
    assert expected != fix_bytes(script.read_bytes(), "train.py", Config(ignore=("WL003",))).fixed.decode()
