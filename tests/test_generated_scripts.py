"""Properties of check and fix on generated training scripts (what is generated: tests/scriptgen.py).

The runs are derandomized, so CI sees the same scripts every time, and bounded to keep this file
under a minute; `python benchmarks/fuzz_generated.py --examples 10000` runs the same properties on
many more, random scripts.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import examples
from hypothesis import HealthCheck, given, settings
from lanes import fast_share
from scriptgen import (
    CHANGEABLE,
    LOOK_ALIKES,
    PLANTED,
    SPAN_STARTS,
    WHERE_REPORTED,
    Renderer,
    Script,
    assert_check_properties,
    assert_fix_properties,
    assert_keeps_the_run,
    assert_suppressions_apply,
    missing_kept_line,
    simplest_plan,
    training_scripts,
)

from warmlint import check_source, fix_source
from warmlint.cli import main
from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import RULES
from warmlint.rule_index import RULE_INFO

ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))  # the unsafe fixes too
CI = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@settings(CI, max_examples=150)
@given(training_scripts())
def test_check_reports_known_codes_at_valid_spans_on_the_documented_lines(script) -> None:
    assert_check_properties(script)


def test_every_checked_rule_is_planted_and_its_fix_has_the_lines_it_may_change() -> None:
    checked = {code for code, entry in RULES.items() if entry.check}
    assert checked == set(PLANTED) == set(WHERE_REPORTED) == set(SPAN_STARTS)
    assert set(CHANGEABLE) == {code for code in checked if RULES[code].fixes}


@pytest.mark.parametrize("code", fast_share(sorted(PLANTED), kind=lambda code: "planted"))
def test_each_planted_mistake_is_found_and_fixed(code: str) -> None:
    """The generator can plant every rule's mistake, and the properties then see its fix (WL013 has none)."""
    script = Script(tuple(Renderer(simplest_plan(**PLANTED[code])).lines()))
    fixable = RULE_INFO[code].fixable
    assert [(d.code, d.fixable) for d in assert_check_properties(script)] == [(code, fixable)]
    assert [d.code for d in assert_fix_properties(script).applied] == ([code] if fixable else [])


@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_each_look_alike_of_a_planted_mistake_stays_silent(name: str) -> None:
    """One choice away from the planted mistake (a warmup shorter than the run, T_max the run's length,
    scheduler.step() inside the accumulation guard, ...) nothing is reported and nothing fixed."""
    script = Script(tuple(Renderer(simplest_plan(**LOOK_ALIKES[name])).lines()))
    assert assert_check_properties(script) == []
    assert fix_bytes(script.text.encode(), "train.py", ALL_FIXES).fixed == script.text.encode()


def test_keeping_the_run_compares_the_lr_and_the_length() -> None:
    script = Script(tuple(Renderer(simplest_plan(**LOOK_ALIKES["WL009"])).lines())).text
    assert_keeps_the_run(script, script)
    with pytest.raises(AssertionError, match="trained at 0.1"):
        assert_keeps_the_run(script, script.replace("lr=0.1", "lr=0.05"))
    with pytest.raises(AssertionError, match="took 40 steps"):
        assert_keeps_the_run(script, script.replace("max_steps = 40", "max_steps = 80"))


@pytest.mark.slow
@settings(CI, max_examples=80)
@given(training_scripts(with_suppressions=True))
def test_suppression_comments_silence_exactly_the_findings_they_name(script) -> None:
    assert_suppressions_apply(script)


@pytest.mark.slow
@settings(CI, max_examples=80)
@given(training_scripts())
def test_fix_compiles_is_a_fixed_point_touches_only_its_lines_and_removes_its_findings(script) -> None:
    assert_fix_properties(script)


@pytest.mark.slow  # a CLI run per script
@settings(CI, max_examples=examples(5))
@given(training_scripts())
def test_cli_and_api_agree(script) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("")  # nothing configured, whatever lies above the folder
        path = root / "train.py"
        path.write_bytes(script.text.encode())
        runner = CliRunner()
        checked = runner.invoke(main, ["check", "--format", "json", "--no-cache", str(path)], catch_exceptions=False)
        expected = [d.to_json() for d in check_source(script.text, str(path)).diagnostics]
        assert json.loads(checked.stdout) == expected
        assert checked.exit_code == (1 if expected else 0)
        safe = fix_bytes(script.text.encode(), str(path), Config())
        assert fix_source(script.text, str(path)) == safe.fixed.decode()
        unsafe = fix_bytes(script.text.encode(), str(path), ALL_FIXES)
        for flags, outcome in (((), safe), (("--unsafe-fixes",), unsafe)):
            path.write_bytes(script.text.encode())
            fixed = runner.invoke(main, ["fix", "--apply", *flags, str(path)], catch_exceptions=False)
            assert fixed.exit_code == (1 if outcome.remaining else 0), fixed.output
            assert path.read_bytes() == outcome.fixed, flags


def test_kept_lines_must_survive_in_order() -> None:
    original = ["a", "b", "c", "d"]
    assert missing_kept_line(original, ["a", "new", "b", "c", "d"], set()) is None
    assert missing_kept_line(original, ["a", "c", "d"], set()) == 1
    assert missing_kept_line(original, ["a", "c", "d"], {1}) is None
    assert missing_kept_line(original, ["a", "c", "b", "d"], set()) == 2
    assert missing_kept_line(original, ["a", "c", "b", "d"], {1}) is None
