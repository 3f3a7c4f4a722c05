"""The rule registry: each rule with its check and fix builders, from one module.

A rule declared fixable has a fix builder and a rule with a builder is declared fixable; the fix
markers of `warmlint rule --all` and the README come from the builders' safety; a fix that would
add a finding of a rule declared `never_added_by_fixes` is refused. The rules with a config check
are the ones the config fixtures expect, and the config engine judges with whatever the registry
holds. A rule registered from a module outside the package, with one fixture folder, reaches every
output and `fix`.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from config_pairs import config_fixture_files, expected_config_markers
from conftest import expected_markers
from fixture_pairs import fixed_pair
from rule_pages import example_problems, page_problems, section_code

from warmlint.cli import main
from warmlint.cli.rule import rule_markers
from warmlint.config import Config
from warmlint.configs.edits import replace_string
from warmlint.configs.facts import ConfigSchedule, Form
from warmlint.configs.judging import ConfigFinding, Source, scalar_of, with_fix
from warmlint.engine.declarations import declared
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import RULES, check_source
from warmlint.rule_index import RULE_INFO, RuleInfo
from warmlint.rules.base import refused_for_added, rule, unregister

README = Path(__file__).resolve().parent.parent / "README.md"


def test_a_rule_is_declared_fixable_exactly_when_a_fix_builder_is_registered_for_it() -> None:
    assert {entry.code for entry in RULES.values()} >= {info.code for info in declared()}
    fixable = {code for code, entry in RULES.items() if entry.info.fixable}
    built = {code for code, entry in RULES.items() if entry.fixes}
    assert fixable - built == set(), "declared fixable, but no fix builder is registered"
    assert built - fixable == set(), "a fix builder is registered, but the rule is not declared fixable"


def test_the_readme_table_shows_the_fix_marker_the_builders_declare() -> None:
    rows = re.findall(r"^\| (WL\d{3}) \| [a-z0-9-]+ \| .* \| (`[^`]+`|no) \|$", README.read_text(), re.M)
    shown = {code: "" if marker == "no" else marker.strip("`") for code, marker in rows}
    assert shown == rule_markers()


def test_a_fix_that_adds_a_warmup_without_decay_is_refused() -> None:
    guarded = {code for code, entry in RULES.items() if entry.never_added_by_fixes}
    assert guarded == {"WL003"}
    reason = "the fixed file would warm up without ever decaying (WL003)"
    assert refused_for_added(["WL002"], ["WL003"]) == reason
    assert refused_for_added(["WL003", "WL002"], ["WL003", "WL003"]) == reason
    assert refused_for_added(["WL003", "WL002"], ["WL003"]) is None
    assert refused_for_added(["WL002"], ["WL001", "WL004"]) is None  # only the declared rule counts


def test_the_rules_with_a_config_check_are_the_ones_the_config_fixtures_expect() -> None:
    judged = {code for code, entry in RULES.items() if entry.config_check is not None}
    expected = {code for path in config_fixture_files() for _, code in expected_config_markers(path)}
    assert judged == {"WL003", "WL009", "WL010", "WL014"}
    assert expected == judged, "a rule with a config check and no config fixture, or a fixture no check flags"


def _polynomial(schedule: ConfigSchedule, source: Source | None) -> Iterator[ConfigFinding]:
    if schedule.form is Form.RECIPE and schedule.name == "polynomial":
        yield with_fix(
            source,
            "WL902",
            schedule.schedule.entry,
            "polynomial decays to lr_end",
            "use cosine",
            lambda source: [replace_string(source.text, scalar_of(schedule.schedule), "cosine")],
        )


RECIPE = b"learning_rate: 2.0e-5\nlr_scheduler_type: polynomial\nwarmup_ratio: 0.1\nmax_steps: 1000\n"


def test_the_config_engine_judges_with_the_config_checks_the_registry_holds() -> None:
    assert check_source(RECIPE, "recipe.yaml").diagnostics == []  # no rule of the package flags it
    info = RuleInfo("WL902", "polynomial-config", "A config names the polynomial schedule.", fixable=True)
    rule(info, config_check=_polynomial)(lambda ctx: iter(()))  # a rule with only a config check
    try:
        [finding] = check_source(RECIPE, "recipe.yaml").diagnostics
        assert (finding.code, finding.span.line, finding.message, finding.fixable) == (
            "WL902",
            2,
            "polynomial decays to lr_end",
            True,
        )
        assert check_source(RECIPE, "recipe.yaml", Config(ignore=("WL902",))).diagnostics == []
        assert fix_bytes(RECIPE, "recipe.yaml", Config()).fixed == RECIPE.replace(b"polynomial", b"cosine")
    finally:
        unregister("WL902")
    assert check_source(RECIPE, "recipe.yaml").diagnostics == []


# ---- a rule from one module outside the package ------------------------------------
RULE_MODULE = '''
"""WL901: an SGD optimizer built without momentum (a rule that exists only in a test)."""

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.model import call_argument
from warmlint.fixes import FixBuilder, FixSafety, Planner
from warmlint.fixes.edits import appended
from warmlint.rule_index import RuleInfo
from warmlint.rules.base import Finding, RuleContext, rule

RULE = RuleInfo("WL901", "sgd-without-momentum", "An SGD optimizer is built without momentum.", fixable=True)


@dataclass(frozen=True)
class NoMomentum:
    call: cst.Call


def add_momentum(planner: Planner, found: NoMomentum) -> None:
    """`momentum=0.9` after the call's last argument; nothing else changes."""
    tight = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    argument = cst.Arg(cst.Float("0.9"), keyword=cst.Name("momentum"), equal=tight)
    planner.edits.on_same(found.call, lambda call: call.with_changes(args=appended(call.args, argument)))


@rule(RULE, fixes={NoMomentum: FixBuilder(add_momentum, FixSafety.SAFE)})
def check(ctx: RuleContext):
    for optimizer in ctx.model.optimizers:
        call = optimizer.call.node
        if optimizer.short_name == "SGD" and call_argument(call, "momentum") is None:
            yield Finding(call, "SGD is built without momentum", "add momentum=0.9", fix_data=NoMomentum(call))
'''
FIXTURE = (
    "import torch\n\n"
    "model = torch.nn.Linear(4, 2)\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)  # expect: WL901\n"
)
FIXED = (
    "import torch\n\n"
    "model = torch.nn.Linear(4, 2)\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)\n"
)
PAGE = """# WL901: sgd-without-momentum

An SGD optimizer is built without momentum.

## Bad
```python
import torch

model = torch.nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
```

## Good
```python
import torch

model = torch.nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
```

## Fix safety
Safe: one keyword argument is added.
"""


@pytest.fixture
def throwaway_rule(tmp_path, monkeypatch):
    """A rule module outside the package, loaded the way a plugin would be; its pages are read from
    `tmp_path/rules`. Unregistered afterwards, so no other test sees it."""
    import warmlint.output.rule_docs as rule_docs

    path = tmp_path / "wl901_sgd_without_momentum.py"
    path.write_text(RULE_MODULE)
    spec = importlib.util.spec_from_file_location("wl901_sgd_without_momentum", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(rule_docs, "_CANDIDATES", (tmp_path / "rules",))
    try:
        spec.loader.exec_module(module)
        yield module.RULE
    finally:
        unregister("WL901")
    assert "WL901" not in RULES and "WL901" not in RULE_INFO


def test_a_fixable_rule_declared_in_one_module_reaches_every_output_and_fix(throwaway_rule, tmp_path):
    folder = tmp_path / "fixtures" / "wl901_plain_sgd"
    folder.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("")  # nothing configured, whatever lies above
    script = folder / "train.py"
    script.write_text(FIXTURE)
    runner = CliRunner()

    listed = runner.invoke(main, ["rule", "--all"], catch_exceptions=False).output
    assert re.search(r"^WL901  \[\*\] +sgd-without-momentum +An SGD optimizer", listed, re.M), listed

    # The docs check covers it: no page yet, then a page whose examples behave as documented.
    assert page_problems("WL901") == ["WL901 has no page WL901-sgd-without-momentum.md"]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "WL901-sgd-without-momentum.md").write_text(PAGE)
    assert page_problems("WL901") == []
    for section in ("Bad", "Good"):
        source = section_code(PAGE, section)
        assert source is not None and example_problems("WL901", section, source) == []
    assert runner.invoke(main, ["rule", "WL901"]).output == PAGE + "\n"

    # The fixture folder passes the marker check, and its fixed file is the fix of the rule.
    assert {(d.line, d.code) for d in check_source(script.read_bytes(), str(script)).diagnostics} == (
        expected_markers(script)
    )
    pair = fixed_pair(script)
    assert pair is not None and pair.fixed_codes == {"WL901"}
    assert pair.fixed.decode() == FIXED

    report = runner.invoke(main, ["check", "--no-cache", "--format", "json", str(script)])
    [finding] = json.loads(report.output)
    assert (finding["code"], finding["fixable"], finding["fix_safety"]) == ("WL901", True, "safe")

    sarif = json.loads(runner.invoke(main, ["check", "--no-cache", "--format", "sarif", str(script)]).output)
    run = sarif["runs"][0]
    assert "WL901" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    [result] = run["results"]
    assert result["ruleId"] == "WL901" and result["fixes"]

    fixed = runner.invoke(main, ["fix", "--apply", str(script)])
    assert fixed.exit_code == 0, fixed.output
    assert script.read_text() == FIXTURE.replace("lr=0.01)  # expect: WL901", "lr=0.01, momentum=0.9)  # expect: WL901")
    assert check_source(script.read_bytes(), str(script)).diagnostics == []
