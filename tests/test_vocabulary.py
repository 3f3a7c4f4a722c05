"""One vocabulary: a fix's safety, a threshold and verify's run length are said the same way
wherever warmlint says them (text, --statistics, rule --all, JSON, the README, the rule pages,
the messages)."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, RULE_DOCS, TEXT_LINE, write

from warmlint.analysis.scale import ScaleEvidence
from warmlint.cli import main
from warmlint.cli.rule import rule_markers
from warmlint.config import Config
from warmlint.diagnostics import FixSafety
from warmlint.engine.lint import check_source
from warmlint.output.markers import FIX_MARKERS, LEGEND
from warmlint.rules.thresholds import Threshold, adam_threshold
from warmlint.verify.checks import FAIL, INFO, PASS, CheckResult, run_checks
from warmlint.verify.progress import (
    Progress,
    format_progress,
    read_progress,
    showing_progress,
    watch_progress,
    write_progress,
)
from warmlint.verify.protocol import ReportStatus
from warmlint.verify.record import Ending, OptimizerRecord, RunRecord
from warmlint.verify.render import render_text
from warmlint.verify.result import VerifyResult
from warmlint.verify.run import _steps_to_run
from warmlint.verify.static_schedule import ScriptLength

README = (REPO / "README.md").read_text(encoding="utf-8")
# Safe and unsafe fixes, a rule whose fix depends on the finding (WL002, WL007), an unfixable one.
MIXED = [
    "wl001_literal_sgd",
    "wl002_branch_in_loop",
    "wl005_same_iteration",
    "wl007_lightning_bare_return",
    "wl012_literal_accumulation",
    "wl013_steplr_write_in_loop",
]


def _page(code: str) -> str:
    return next(RULE_DOCS.glob(f"{code}-*.md")).read_text(encoding="utf-8")


# ---- fix safety ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    for case in MIXED:
        source = FIXTURES / case / "train.py"
        if source.exists():
            write(folder, f"{case}.py", source.read_bytes())
    return folder


def _run(*args: str, cwd: Path) -> str:
    """The output of `warmlint ARGS` run in-process from `cwd` (the markers are about the output, not the process)."""
    with contextlib.chdir(cwd):
        done = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert done.exit_code in (0, 1), done.stderr
    return done.stdout


@pytest.mark.slow  # every output format of a mixed tree
def test_each_finding_has_one_marker_in_text_statistics_rule_all_and_json(mixed):
    as_json = json.loads(_run("check", "--no-cache", "--output-format", "json", ".", cwd=mixed))
    text = [TEXT_LINE.match(line) for line in _run("check", "--no-cache", ".", cwd=mixed).splitlines()]
    lines = [match for match in text if match]
    assert len(lines) == len(as_json) >= len(MIXED)
    shown: Counter[tuple[str, str]] = Counter()
    markers = rule_markers()
    for match, finding in zip(lines, as_json):
        assert (match["path"], match["code"]) == (finding["path"], finding["code"])
        safety = finding["fix_safety"]
        marker = FIX_MARKERS[FixSafety(safety)] if safety else ""
        assert (match["fix"] or "").strip() == marker, finding
        assert finding["fixable"] == bool(safety)
        # rule --all names every marker a finding of the rule can have.
        assert marker in markers[finding["code"]].split("/") if marker else True
        shown[(finding["code"], marker)] += 1
    assert {marker for _, marker in shown} == {"[*]", "[*unsafe]", ""}, shown
    statistics = _run("check", "--no-cache", "--statistics", ".", cwd=mixed).splitlines()
    rows = Counter()
    for row in statistics:
        count, code, rest = row.split("\t")
        marker = rest.split()[0] if rest.split()[0].startswith("[*") else ""
        rows[(code, marker)] = int(count)
    assert rows == shown


def test_rule_all_and_the_readme_table_show_the_same_markers(cli):
    listed = {line.split()[0]: line for line in cli("rule", "--all").stdout.splitlines() if line.startswith("WL")}
    table = dict(re.findall(r"^\| (WL\d{3}) \| [a-z0-9-]+ \| [^|]+ \| ([^|]*?) \|$", README, re.M))
    assert set(table) == set(listed) == set(rule_markers())
    for code, marker in rule_markers().items():
        shown = listed[code].split()[1]
        assert shown == marker if marker else not shown.startswith("[*"), listed[code]
        assert table[code].strip().strip("`") == (marker or "no"), (code, table[code])
    assert LEGEND in cli("rule", "--all").stdout
    # The README explains the markers in the words the tool uses.
    for marker in FIX_MARKERS.values():
        assert f"`{marker}`" in README


def test_json_names_the_safety_with_the_markers_word():
    assert {safety.value for safety in FixSafety} == {"safe", "unsafe"}
    assert FIX_MARKERS[FixSafety.UNSAFE] == f"[*{FixSafety.UNSAFE.value}]"


# ---- thresholds --------------------------------------------------------------------------------


def _phrase(threshold: Threshold) -> str:
    return f"lr {threshold.comparison} {threshold.limit:g}"


DEFAULTS = Config()
WL001_THRESHOLDS = {
    "sgd-high": (Threshold(DEFAULTS.threshold("sgd-high"), True, "sgd-high"), "SGD(m.parameters(), lr=0.5)"),
    "rmsprop-high": (
        Threshold(DEFAULTS.threshold("rmsprop-high"), True, "rmsprop-high"),
        "RMSprop(m.parameters(), lr=0.5)",
    ),
    "adam-any-model-high": (adam_threshold(ScaleEvidence.NONE, DEFAULTS), "Adam(m.parameters(), lr=0.5)"),
    "adam-transformer-high": (adam_threshold(ScaleEvidence.TRANSFORMER, DEFAULTS), "Adam(m.parameters(), lr=0.5)"),
    "adam-high": (adam_threshold(ScaleEvidence.LARGE, DEFAULTS), "Adam(m.parameters(), lr=0.5)"),
}
MODEL = {
    "adam-transformer-high": "m = torch.nn.Transformer()\n",
    "adam-high": "import torchvision\nm = torchvision.models.resnet50(weights='DEFAULT')\n",
}


@pytest.mark.parametrize("key", sorted(WL001_THRESHOLDS))
def test_a_wl001_threshold_is_worded_the_same_in_the_hint_the_page_and_the_readme(key):
    threshold, optimizer = WL001_THRESHOLDS[key]
    assert threshold.key == key
    phrase = _phrase(threshold)
    source = f"import torch\n{MODEL.get(key, '')}opt = torch.optim.{optimizer}\nfor s in range(100):\n    opt.step()\n"
    [finding] = check_source(source, "train.py").diagnostics
    assert finding.code == "WL001" and f"means {phrase}" in finding.hint and f"`{key}`" in finding.hint
    assert f"`{phrase}`" in _page("WL001"), phrase
    assert f"`{phrase}`" in README, phrase


@pytest.mark.parametrize(("key", "family"), [("sgd-needs-warmup", "SGD"), ("rmsprop-needs-warmup", "RMSprop")])
def test_a_wl004_threshold_is_worded_the_same_in_the_message_the_page_and_the_readme(key, family):
    limit = DEFAULTS.threshold(key)
    phrase = f"lr > {limit:g}"

    def findings(lr: float) -> list:
        source = (
            f"import torch\nopt = torch.optim.{family}(m.parameters(), lr={lr!r})\n"
            "sched = torch.optim.lr_scheduler.StepLR(opt, 10)\nfor s in range(100):\n    opt.step()\n    sched.step()\n"
        )
        return [d for d in check_source(source, "train.py").diagnostics if d.code == "WL004"]

    assert not findings(limit), "the comparison is strict: at the limit nothing is reported"
    [finding] = findings(limit * 1.5)
    assert f"({phrase})" in finding.message
    assert f"`{phrase}`" in _page("WL004")
    assert f"`{phrase}`" in README


def test_the_readme_and_the_page_give_the_defaults_the_config_has():
    for key, value in DEFAULTS.thresholds:
        assert re.search(rf"^{key} = {value:g}\b", README, re.M) or re.search(
            rf"^{key} = {value:.0e}".replace("e-0", "e-"), README, re.M
        ), key


# ---- verify ------------------------------------------------------------------------------------------


def _stopped_run(observed: int, total: int | None, source: str | None) -> RunRecord:
    """A run stopped after `observed` steps of a hand-set LR: nothing to project."""
    lrs = tuple((0.01 * (step + 1),) for step in range(observed))
    return RunRecord(
        optimizers=(OptimizerRecord("SGD", observed, lrs),),
        primary=0,
        projected=(),
        total_steps=total,
        total_steps_source=source,
        schedulers=(),
        device="cpu",
        notes=(),
        ending=Ending(ReportStatus.STOPPED),
    )


def test_verify_never_gives_a_run_length_and_calls_the_end_unknown():
    run = _stopped_run(5, 60, "the script's loops: `max_steps` = 60")
    result = VerifyResult(script="train.py", exit_code=0, checks=tuple(run_checks(run)), run=run)
    text = render_text(result, chart=False)
    assert "run length 60 steps, from the script's loops" in text
    assert "the end of the run is unknown" not in text
    assert "the run length is unknown" not in text


def test_an_unknown_run_length_is_said_once_the_same_way():
    run = _stopped_run(5, None, None)
    result = VerifyResult(script="train.py", exit_code=0, checks=tuple(run_checks(run)), run=run)
    summary, *checks = render_text(result, chart=False).splitlines()[1:]
    assert summary.endswith("; run length unknown")
    assert not [line for line in checks if re.search(r"\d+ steps?\b.*run|run of \d+", line)], checks


def test_progress_counts_the_steps_the_run_will_really_take():
    length = ScriptLength(40, "the script's loops: `epochs * 8` = 40")
    assert _steps_to_run(50, None, length) == 40  # the script ends before --steps
    assert _steps_to_run(10, None, length) == 10  # --steps stops it first
    assert _steps_to_run(50, 30, length) == 30  # --total-steps is the run's length
    assert _steps_to_run(50, None, None) == 50
    # Where the static length was wrong, the count never shows more steps taken than expected.
    assert format_progress(Progress(45, 1e-3), 40) == "step 45/45  lr 1.0e-03"


def test_the_child_reports_the_steps_it_expects_and_the_parent_shows_them(tmp_path):
    path = tmp_path / "report.json.progress"
    write_progress(path, Progress(3, 0.1, 40))
    assert read_progress(path) == Progress(3, 0.1, 40)
    write_progress(path, Progress(3, 0.1))
    assert read_progress(path) == Progress(3, 0.1, None)

    class Listener:
        def __init__(self) -> None:
            self.limits: list[int] = []

        def update(self, progress: Progress, limit: int) -> None:
            self.limits.append(limit)

        def finish(self) -> None:
            pass

    listener = Listener()
    write_progress(path, Progress(5, 0.1, 40))
    with showing_progress(listener), watch_progress(path, 50):
        pass
    assert listener.limits == [40]  # the shorter of --steps and the run the child expects


@pytest.mark.slow  # runs a torch script under verify
def test_verify_progress_shows_the_script_length_when_it_is_shorter_than_steps():
    done = subprocess.run(
        [sys.executable, "-m", "warmlint", "verify", str(FIXTURES / "wl001_literal_sgd" / "train.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    progress = [line for line in done.stderr.splitlines() if line.startswith("warmlint verify: step ")]
    assert progress and all("/40 lr " in line for line in progress), done.stderr
    assert "40 optimizer steps observed" in done.stdout


def test_an_info_check_is_neither_passed_nor_failed():
    info, passed, failed = CheckResult("x", INFO, "cannot tell"), CheckResult("x", PASS, ""), CheckResult("x", FAIL, "")
    assert (info.passed, info.failed) == (False, False)
    assert (passed.passed, passed.failed) == (True, False)
    assert (failed.passed, failed.failed) == (False, True)
    assert info.to_json()["passed"] is False and info.to_json()["status"] == "info"


def test_an_info_check_does_not_fail_the_run():
    run = _stopped_run(5, 60, "the script's loops: `max_steps` = 60")
    checks = run_checks(run)
    assert any(check.status == INFO for check in checks)
    result = VerifyResult(script="train.py", exit_code=0, checks=tuple(checks), run=run)
    assert all(check.status == FAIL for check in result.failed_checks)


# ---- --add-noqa on notebooks ------------------------------------------------------------------------


def test_add_noqa_writes_into_the_notebook_cell_and_silences_it(cli, in_tmp):
    original = (FIXTURES / "wl001_notebook_sgd" / "train.ipynb").read_text(encoding="utf-8")
    notebook = write(in_tmp, "train.ipynb", original)
    before = json.loads(cli("check", "--no-cache", "--format", "json", "train.ipynb").stdout)
    assert [(d["cell"], d["code"]) for d in before] == [(3, "WL001")]
    added = cli("check", "--add-noqa", "train.ipynb")
    assert added.exit_code == 0 and added.stdout == "Added 1 noqa comment to 1 file.\n"
    assert cli("check", "--no-cache", "train.ipynb").exit_code == 0
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    old_cells = json.loads(original)["cells"]
    changed = [i for i, (new, old) in enumerate(zip(cells, old_cells)) if new != old]
    assert changed == [2]  # cell 3 only, and only its source
    assert {k: v for k, v in cells[2].items() if k != "source"} == {
        k: v for k, v in old_cells[2].items() if k != "source"
    }
    assert "".join(cells[2]["source"]).splitlines()[before[0]["line"] - 1].endswith("# noqa: WL001")
