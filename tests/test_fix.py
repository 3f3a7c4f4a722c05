"""warmlint fix: the fixed fixtures, fix properties, write safety, and the CLI."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from conftest import model_of
from fixture_pairs import FIXED_NAME, fixed_pair
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lanes import fast_share

from warmlint.analysis.evaluate import classify
from warmlint.analysis.schedules import lr_lambda_of
from warmlint.cli import main
from warmlint.config import DEFAULT_FIX, Config, Decay
from warmlint.diagnostics import Diagnostic, FixSafety
from warmlint.engine.fixer import fix_bytes, fix_source
from warmlint.engine.lint import check_source
from warmlint.rule_index import RULE_INFO
from warmlint.rules import RULES

ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))  # the unsafe fixes too
WIDE = Config(line_length=120)  # where a test reads a fixed statement on one line
ROOT = Path(__file__).resolve().parent.parent
# Pitfalls of a fixable rule whose fix cannot be made safely here, and the reason the diagnostic gives.
CANNOT_FIX = {
    "wl003_lambda_warmup_parameter": "optimizer.step() is not reached from where the optimizer is built",
    "wl004_adjust_learning_rate_step_decay": "the LR is set by adjust_learning_rate(): add the warmup to it by hand",
    "wl003_ignite_handler_warmup_flat": "the run length is not in this file",
    "wl006_lightning_manual_optimization": "cannot find where its optimizer steps",
    "wl009_argparse_lambda_functions": "the warmup length is read inside the LR function",
}
# Pitfalls of a rule declared without a fix (`fixable=False` in its module): none of them is fixed.
NOT_FIXABLE = sorted(
    p.parent.name
    for p in (ROOT / "fixtures").glob("wl[0-9][0-9][0-9]_*/train.py")
    if not RULE_INFO[p.parent.name[:5].upper()].fixable
)
UNFIXABLE = {*CANNOT_FIX, *NOT_FIXABLE}
PITFALLS = sorted(p for p in (ROOT / "fixtures").glob("wl[0-9][0-9][0-9]_*/train.py") if p.parent.name not in UNFIXABLE)


def codes(source: bytes | str, path: str = "train.py") -> set[str]:
    return {d.code for d in check_source(source, path).diagnostics}


@pytest.mark.parametrize("script", fast_share(PITFALLS), ids=lambda p: p.parent.name)
def test_fix_matches_the_fixed_file_beside_the_fixture(script: Path) -> None:
    """`python tests/regenerate_golden.py` rewrites train.fixed.py; a difference is a changed fix."""
    pair = fixed_pair(script)
    assert pair is not None, "every pitfall fixture has an automatic fix"
    assert pair.fixed == pair.fixed_path.read_bytes()


def test_every_fixed_file_belongs_to_a_fixable_fixture() -> None:
    fixed_files = sorted((ROOT / "fixtures").glob(f"*/{FIXED_NAME}"))
    assert [f.with_name("train.py") for f in fixed_files] == PITFALLS


def assert_fix_properties(original: bytes, path: str = "train.py") -> bytes:
    """The properties every fix must have; returns the fixed bytes."""
    outcome = fix_bytes(original, path, ALL_FIXES)
    fixed = outcome.fixed
    compile(fixed, path, "exec")  # the result is valid Python
    fixed_codes = {d.code for d in outcome.applied}
    assert not fixed_codes & codes(fixed, path), "re-check is clean for the fixed codes"
    assert fix_bytes(fixed, path, ALL_FIXES).fixed == fixed, "a second fix changes nothing"
    removed = Counter(original.decode().splitlines()) - Counter(fixed.decode().splitlines())
    # only LR code, steps of the file's schedulers, signatures that pass the scheduler, checkpoints
    # of the optimizer, a DeepSpeed dict's schedule lengths, and blocks left empty
    scheduler_names = {name for s in model_of(original.decode()).schedulers for _, name in s.aliases}
    for line in removed:
        assert (
            any(word in line.lower() for word in ("lr", "warm", "def ", "param_groups", "return", "optim"))
            or steps_one_of(line, scheduler_names)
            or "_num_steps" in line
            or line.rstrip().endswith(":")
            or line.lstrip().startswith("#")
        ), line
    return fixed


STEP_CALL = re.compile(r"^\s*(?P<receiver>[\w.]+)\.step\(\)\s*(#.*)?$")


def steps_one_of(line: str, scheduler_names: set[str]) -> bool:
    """The line is a bare `<scheduler>.step()` of one of the file's schedulers."""
    match = STEP_CALL.match(line)
    return bool(match and match["receiver"] in scheduler_names)


@pytest.mark.parametrize("case", sorted(UNFIXABLE))
def test_unfixable_fixtures_say_why_and_stay_untouched(case: str) -> None:
    script = ROOT / "fixtures" / case / "train.py"
    outcome = fix_bytes(script.read_bytes(), str(script), ALL_FIXES)
    assert outcome.fixed == script.read_bytes() and not outcome.applied
    if case in CANNOT_FIX:
        assert any(CANNOT_FIX[case] in d.no_fix_reason for d in outcome.remaining)
    else:
        own = [d for d in outcome.remaining if d.code == case[:5].upper()]
        assert own and all(not d.fixable and d.no_fix_reason for d in own)


def test_there_are_fixtures_of_a_rule_without_a_fix() -> None:
    """Guards the test above: the rules declared without a fix have pitfall fixtures too."""
    assert NOT_FIXABLE and all(case.startswith("wl013_") for case in NOT_FIXABLE)


@pytest.mark.slow  # fixes every pitfall twice; the fast lane compares each fix with its fixed file
@pytest.mark.parametrize("script", PITFALLS, ids=lambda p: p.parent.name)
def test_fix_properties_on_fixtures(script: Path) -> None:
    fixed = assert_fix_properties(script.read_bytes(), str(script))
    assert fixed != script.read_bytes()


CLEAN = sorted(p for p in (ROOT / "fixtures").glob("clean_*/*.py"))


@pytest.mark.parametrize("script", fast_share(CLEAN), ids=lambda p: p.parent.name)
def test_fix_leaves_clean_fixtures_untouched(script: Path) -> None:
    assert fix_bytes(script.read_bytes(), str(script), ALL_FIXES).fixed == script.read_bytes()


# ---- generated training scripts ------------------------------------------------
OPTIMIZERS = [
    ("torch.optim.SGD", "0.1"),
    ("torch.optim.SGD", "0.5"),
    ("torch.optim.AdamW", "3e-3"),
    ("torch.optim.RMSprop", "0.05"),
    ("optim.Adam", "2e-3"),
]


@st.composite
def training_scripts(draw) -> str:
    optimizer, lr = draw(st.sampled_from(OPTIMIZERS))
    lr_source = draw(st.sampled_from(["literal", "constant", "config", "argparse"]))
    loop = draw(st.sampled_from(["epochs", "steps", "function"]))
    warmup = draw(st.sampled_from(["none", "constant", "lambda_flat", "linear_alone"]))
    header = [
        "import argparse",
        "import torch",
        "import torch.optim as optim",
        "",
        "model = torch.nn.Linear(4, 1)",
        "train_loader = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(4)]",
        "epochs = 3",
        "max_steps = 12",
        "warmup_steps = 3",
    ]
    lr_expr = {"literal": lr, "constant": "LR", "config": 'config["lr"]', "argparse": "args.lr"}[lr_source]
    if lr_source == "constant":
        header.append(f"LR = {lr}")
    elif lr_source == "config":
        header.append(f'config = {{"lr": {lr}, "epochs": 3}}')
    elif lr_source == "argparse":
        header += [
            "parser = argparse.ArgumentParser()",
            f'parser.add_argument("--lr", type=float, default={lr})',
            "args = parser.parse_args([])",
        ]
    header.append(f"optimizer = {optimizer}(model.parameters(), lr={lr_expr})")
    if warmup == "constant":
        header += [
            "# warm-up with a small constant learning rate",
            "for group in optimizer.param_groups:",
            "    group['lr'] = 1e-5",
        ]
    elif warmup == "lambda_flat":
        header.append(
            "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup_steps))"
        )
    elif warmup == "linear_alone":
        header.append("scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)")
    step = ["optimizer.step()"] + (["scheduler.step()"] if warmup in ("lambda_flat", "linear_alone") else [])
    body = ["optimizer.zero_grad()", "loss = model(x).pow(2).mean()", "loss.backward()", *step]
    if loop == "epochs":
        lines = ["for epoch in range(epochs):", "    for x, y in train_loader:"] + [f"        {b}" for b in body]
    elif loop == "steps":
        lines = ["for step in range(max_steps):", "    x, y = train_loader[step % 4]"] + [f"    {b}" for b in body]
    else:
        lines = ["def train_one_epoch(model, optimizer, loader):", "    for x, y in loader:"]
        lines += [f"        {b}" for b in body]
        lines += ["", "", "for epoch in range(epochs):", "    train_one_epoch(model, optimizer, train_loader)"]
    unrelated = draw(st.sampled_from(["", "def helper(a, b):\n    return a + b\n", "print('starting')\n"]))
    return "\n".join(header) + "\n" + unrelated + "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(training_scripts())
def test_fix_properties_on_generated_scripts(script: str) -> None:
    original = script.encode()
    before = codes(original)
    fixed = assert_fix_properties(original)
    if before & {"WL001", "WL002", "WL003"}:
        assert fixed != original
        assert not codes(fixed) & {"WL001", "WL002", "WL003"}


# ---- write safety ---------------------------------------------------------------
LITERAL = ROOT / "fixtures" / "wl001_literal_sgd" / "train.py"


def test_crlf_bom_and_encoding_are_kept(tmp_path: Path) -> None:
    source = LITERAL.read_bytes()
    crlf = fix_bytes(source.replace(b"\n", b"\r\n"), "x.py", Config()).fixed
    assert crlf.count(b"\n") == crlf.count(b"\r\n") > 0
    bom = fix_bytes(b"\xef\xbb\xbf" + source, "x.py", Config()).fixed
    assert bom.startswith(b"\xef\xbb\xbf") and bom.count(b"\xef\xbb\xbf") == 1
    latin = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + source
    fixed = fix_bytes(latin, "x.py", Config()).fixed
    assert b"caf\xe9" in fixed and fixed != latin


def test_apply_writes_atomically_and_keeps_mode(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    script.chmod(0o640)
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert result.exit_code == 0, result.output
    assert "Fixed 1 problem in 1 file" in result.output
    assert stat.S_IMODE(script.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"], "no temporary file left behind"
    assert "scheduler.step()" in script.read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_is_left_untouched(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    script.chmod(0o444)
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert result.exit_code == 2
    assert "not writable" in result.output and "Traceback" not in result.output
    assert script.read_bytes() == LITERAL.read_bytes()


def test_read_only_file_is_left_untouched_even_as_root(tmp_path: Path, monkeypatch) -> None:
    import warmlint.files.safe_write as safe_write

    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    monkeypatch.setattr(safe_write, "is_writable", lambda path: False)
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert result.exit_code == 2
    assert f"{script}: cannot write" in result.output
    assert script.read_bytes() == LITERAL.read_bytes()


def test_fix_that_would_not_parse_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    import warmlint.engine.fixer as fixer

    broken = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(cst.Name("def"))])])
    monkeypatch.setattr(fixer, "_with_imports", lambda module, edits: broken)
    bad = tmp_path / "bad.py"
    good = tmp_path / "good.py"
    bad.write_bytes(LITERAL.read_bytes())
    good.write_text("x = 1\n")
    result = CliRunner().invoke(main, ["fix", "--apply", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not parse" in result.output
    assert bad.read_bytes() == LITERAL.read_bytes()


# ---- CLI --------------------------------------------------------------------------
def test_fix_shows_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    result = CliRunner().invoke(main, ["fix", str(script)])
    assert result.exit_code == 1
    assert "+scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)" in result.output
    assert "+        scheduler.step()" in result.output
    assert script.read_bytes() == LITERAL.read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("source", "marked"),
    [
        (LITERAL.read_bytes().rstrip(b"\n"), [" "]),  # the last line is the same on both sides
        (
            b"import torch\nm = torch.nn.Linear(2, 1)\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
            b"for step in range(100):\n    opt.step()",
            ["-", "+"],
        ),  # the fix appends after the last line
    ],
    ids=["context", "changed"],
)
def test_a_diff_of_a_file_without_a_final_newline_says_so_and_applies(
    tmp_path: Path, monkeypatch, source: bytes, marked: list[str]
) -> None:
    """`\\ No newline at end of file` after the last line of each side, as `diff -u` and git print
    it: the printed diff is a patch that `git apply` turns into what `--apply` writes."""
    monkeypatch.chdir(tmp_path)
    Path("train.py").write_bytes(source)
    result = CliRunner().invoke(main, ["fix", "train.py"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [lines[i - 1][0] for i, line in enumerate(lines) if line == "\\ No newline at end of file"] == marked
    Path("fix.patch").write_text(result.stdout)
    subprocess.run(["git", "apply", "fix.patch"], check=True, capture_output=True)
    expected = fix_bytes(source, "train.py", Config()).fixed
    assert not expected.endswith(b"\n")
    assert Path("train.py").read_bytes() == expected


def test_fix_options_shape_the_schedule(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    result = CliRunner().invoke(
        main, ["fix", "--apply", "--warmup-steps", "7", "--decay", "linear", "--min-lr-ratio", "0.1", str(script)]
    )
    assert result.exit_code == 0, result.output
    text = script.read_text()
    assert "warmup_steps = 7" in text and "def warmup_linear_decay(step):" in text
    assert "return 0.1 + (1.0 - 0.1) * (1.0 - progress)" in text
    assert "import math" not in text  # linear decay with a given W needs no math


def test_fix_config_keys_are_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.warmlint.fix]\ndecay = "step"\nwarmup-steps = 4\n')
    script = tmp_path / "train.py"
    script.write_bytes(LITERAL.read_bytes())
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert result.exit_code == 0, result.output
    assert "def warmup_step_decay(step):" in script.read_text()


def test_unfixable_problem_says_why_and_file_is_untouched(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    source = (
        "import torch\nfrom other import converged\nmodel = torch.nn.Linear(2, 1)\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.2)\nwhile not converged(model):\n"
        "    optimizer.step()\n"
    )
    script.write_text(source)
    check = CliRunner().invoke(main, ["check", str(script)])
    assert (
        "no automatic fix: cannot count the iterations of `while not converged(model)` "
        "(pass --total-steps N)" in check.output
    )
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert result.exit_code == 1
    assert "1 problem has no automatic fix" in result.output
    assert script.read_text() == source


def test_check_marks_fixable_problems(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(LITERAL)])
    assert "WL001 [*]" in result.output
    assert "(1 fixable with `warmlint fix --apply`)" in result.output


def test_fix_source_api() -> None:
    fixed = fix_source(LITERAL.read_text(), "train.py")
    assert "scheduler.step()" in fixed and "WL001" not in {d.code for d in check_source(fixed).diagnostics}


def test_new_names_do_not_clash() -> None:
    source = LITERAL.read_text().replace("epochs = 5", "epochs = 5\nscheduler = None\nwarmup_steps = 'x'")
    fixed = fix_source(source, "train.py")
    assert "lr_scheduler = torch.optim.lr_scheduler.LambdaLR" in fixed
    assert "lr_warmup_steps = max(1, min(" in fixed
    compile(fixed, "train.py", "exec")


def left_unfixed(source: str) -> list[tuple[str, str]]:
    """(code, reason) of each remaining finding, after checking that the fix left the text alone."""
    outcome = fix_bytes(source.encode(), "train.py", Config())
    assert outcome.fixed == source.encode()
    return [(d.code, d.no_fix_reason) for d in outcome.remaining]


def test_wl005_is_not_moved_out_of_a_condition_the_optimizer_step_is_not_under() -> None:
    source = (
        "import torch\nfrom torch.optim.lr_scheduler import StepLR\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
        "scheduler = StepLR(optimizer, 30)\n"
        "for epoch in range(100):\n"
        "    if use_scheduler:\n"
        "        scheduler.step()\n"
        "    for batch in loader:\n"
        "        optimizer.step()\n"
    )
    [(code, reason)] = left_unfixed(source)
    assert code == "WL005" and "would drop that condition" in reason


def test_wl005_moves_within_the_condition_both_steps_share() -> None:
    source = (
        "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"
        "optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)\n"
        "scheduler = LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100) * max(0.0, 1 - s / 1000))\n"
        "for i, batch in enumerate(loader):\n"
        "    model(batch).backward()\n"
        "    if (i + 1) % 4 == 0:\n"
        "        scheduler.step()\n"
        "        optimizer.step()\n"
        "        optimizer.zero_grad()\n"
    )
    fixed = fix_source(source, config=ALL_FIXES)
    assert fixed == source.replace(
        "        scheduler.step()\n        optimizer.step()\n", "        optimizer.step()\n        scheduler.step()\n"
    )


LONE_LINEAR = (
    "import torch\nfrom torch.optim.lr_scheduler import LinearLR\n"
    "optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)\n"
    "scheduler = LinearLR(optimizer, start_factor=0.1, total_iters=100)\n"
    "for step in range(1000):\n"
    "    optimizer.step()\n"
    "    scheduler.step()\n"
)


def test_replacing_a_lone_linearlr_drops_its_import_only_when_nothing_else_uses_it() -> None:
    fixed = fix_source(LONE_LINEAR)
    assert "LambdaLR(optimizer" in fixed and "LinearLR" not in fixed
    still_used = LONE_LINEAR + "print(LinearLR.__doc__)\n"
    assert "from torch.optim.lr_scheduler import LambdaLR, LinearLR" in fix_source(still_used)


def test_wl006_does_not_step_a_scheduler_before_it_is_created() -> None:
    source = (
        "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"
        "optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)\n"
        "for step in range(1000):\n"
        "    optimizer.step()\n"
        "late = LambdaLR(optimizer, lambda s: 1.0)\n"
    )
    assert left_unfixed(source) == [("WL006", "the scheduler is created after the loop where its optimizer steps")]


# ---- the fixed point, the fixer's own run check, fix safety -------------------------
@pytest.mark.slow  # a round of the fixer per finding, each re-checking the whole file
def test_twelve_findings_get_twelve_fixes() -> None:
    source = "import torch\n" + "".join(
        f"opt{i} = torch.optim.SGD(model.parameters(), lr=0.1)\nfor step in range(1000):\n    opt{i}.step()\n"
        for i in range(12)
    )
    outcome = fix_bytes(source.encode(), "train.py", Config())
    assert len(outcome.applied) == 12 and not outcome.out_of_rounds
    assert not codes(outcome.fixed) and len(re.findall(r"LambdaLR\(\s*opt", outcome.fixed.decode())) == 12
    compile(outcome.fixed, "train.py", "exec")


OPTIMIZER = "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
SHORT_RUN = OPTIMIZER + "for step in range({}):\n    optimizer.step()\n"


@pytest.mark.parametrize("total", [5, 10, 50, 10_000])
def test_a_short_run_still_decays(total: int) -> None:
    outcome = fix_bytes(SHORT_RUN.format(total).encode(), "train.py", Config())
    assert [d.code for d in outcome.applied] == ["WL001"]
    fixed = outcome.fixed.decode()
    assert "warmup_steps = max(1, round(0.05 * total_steps))" in fixed  # T is known and under 40,000
    [scheduler] = model_of(fixed).schedulers
    schedule = lr_lambda_of(model_of(fixed), scheduler)
    assert schedule is not None
    shape = classify(schedule.function, horizon=total)
    assert shape is not None and shape.phases.warmup and shape.phases.decays


def test_a_warmup_as_long_as_the_run_is_refused_with_the_reason() -> None:
    config = Config(fix=tuple({**DEFAULT_FIX, "warmup-steps": 10}.items()))
    outcome = fix_bytes(SHORT_RUN.format(10).encode(), "train.py", config)
    assert outcome.fixed == SHORT_RUN.format(10).encode() and not outcome.applied
    [finding] = outcome.remaining
    assert not finding.fixable and "W >= T" in finding.no_fix_reason


def test_an_unknown_run_length_asks_for_total_steps() -> None:
    source = OPTIMIZER + "for batch in make_batches():\n    optimizer.step()\n"
    [finding] = check_source(source, "train.py").diagnostics
    assert not finding.fixable and finding.no_fix_reason.endswith(
        "pass --total-steps N (or set total-steps in [tool.warmlint.fix])"
    )


def test_unsafe_fixes_only_when_asked(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    original = (ROOT / "fixtures" / "wl005_same_iteration" / "train.py").read_bytes()
    script.write_bytes(original)
    [finding] = check_source(original, "train.py").diagnostics
    assert finding.fix_safety is FixSafety.UNSAFE and finding.to_json()["fix_safety"] == "unsafe"
    assert Diagnostic.from_dict(finding.to_dict()) == finding  # the cache keeps it
    result = CliRunner().invoke(main, ["fix", "--apply", str(script)])
    assert script.read_bytes() == original and "1 unsafe fix not applied" in result.output
    result = CliRunner().invoke(main, ["fix", "--apply", "--unsafe-fixes", str(script)])
    assert result.exit_code == 0 and script.read_bytes() != original
    assert "WL005" not in codes(script.read_bytes())


def test_every_fix_builder_declares_its_safety() -> None:
    fixes = {code: entry.fixes for code, entry in RULES.items() if entry.fixes}
    assert [builder.safety for builder in fixes["WL001"].values()] == [FixSafety.SAFE] * 2
    assert [builder.safety for builder in fixes["WL005"].values()] == [FixSafety.UNSAFE]
    for code in fixes:
        page = next((ROOT / "rules").glob(f"{code}-*.md")).read_text()
        assert "## Fix safety" in page, code


# ---- formatting a reviewer accepts -------------------------------------------------
def formatted(source: bytes) -> list[str]:
    """The file as `ruff format` writes it (no project configuration: line length 88, the default
    of ruff and of warmlint's API)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().splitlines()


@pytest.mark.slow  # runs ruff format on every fixed fixture
@pytest.mark.parametrize("script", PITFALLS, ids=lambda p: p.parent.name)
def test_a_formatted_file_stays_formatted(script: Path) -> None:
    original = "\n".join(formatted(script.read_bytes())).encode() + b"\n"
    fixed = fix_bytes(original, str(script), ALL_FIXES).fixed
    assert fixed != original
    assert fixed.decode().splitlines() == formatted(fixed)


def test_new_imports_go_where_isort_puts_them() -> None:
    fixed = fix_source(
        '"""Doc."""\nimport os\nimport torch\n\nfrom torch.utils.data import DataLoader\n' + SHORT_RUN[13:].format(100)
    )
    assert fixed.startswith('"""Doc."""\nimport math\nimport os\nimport torch\n')  # one block: stdlib is not told apart
    fixed = fix_source('"""Doc."""\nimport os\n\nimport torch\n' + SHORT_RUN[13:].format(100))
    assert fixed.startswith('"""Doc."""\nimport math\nimport os\n\nimport torch\n')
    fixed = fix_source("import torch\n" + SHORT_RUN[13:].format(100))
    assert fixed.startswith("import math\n\nimport torch\n")


def test_a_parameter_added_to_a_multi_line_signature_follows_its_layout() -> None:
    source = (
        "import torch\n\n\ndef train(\n    model,\n    optimizer,\n):\n"
        "    for step in range(100):\n        optimizer.step()\n\n\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\ntrain(\n    model,\n    optimizer,\n)\n"
    )
    fixed = fix_source(source)
    assert "    optimizer,\n    scheduler,\n):\n" in fixed
    assert "    optimizer,\n    scheduler=scheduler,\n)\n" in fixed


def test_hf_constant_after_warmup_becomes_cosine_to_the_end_of_the_run() -> None:
    source = (
        "import torch\nfrom transformers import get_constant_schedule_with_warmup\n\nloader = make_loader()\n"
        "optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)\n"
        "scheduler = get_constant_schedule_with_warmup(optimizer, 100)\n"
        "for epoch in range(3):\n    for batch in loader:\n        optimizer.step()\n        scheduler.step()\n"
    )
    outcome = fix_bytes(source.encode(), "train.py", WIDE)
    fixed = outcome.fixed.decode()
    assert [d.code for d in outcome.applied] == ["WL003"] and not outcome.remaining
    assert "from transformers import get_cosine_schedule_with_warmup\n" in fixed
    assert "total_steps = 3 * len(loader)\n" in fixed
    assert "get_cosine_schedule_with_warmup(optimizer, 100, num_training_steps=total_steps)" in fixed


def test_fix_exits_the_same_way_with_and_without_apply(tmp_path: Path) -> None:
    unfixable = tmp_path / "unfixable.py"
    unfixable.write_text(
        "import torch\nopt = torch.optim.SGD(m.parameters(), lr=0.2)\nwhile not done():\n    opt.step()\n"
    )
    clean = tmp_path / "clean.py"
    clean.write_text("import torch\nopt = torch.optim.SGD(m.parameters(), lr=0.01)\nfor b in loader:\n    opt.step()\n")
    runner = CliRunner()
    for args in ([], ["--apply"]):
        assert runner.invoke(main, ["fix", *args, str(unfixable)]).exit_code == 1  # a problem is left either way
        assert runner.invoke(main, ["fix", *args, str(clean)]).exit_code == 0
    fixable = tmp_path / "fixable.py"
    fixable.write_bytes(LITERAL.read_bytes())
    assert runner.invoke(main, ["fix", str(fixable)]).exit_code == 1  # the fix is not written yet
    assert runner.invoke(main, ["fix", "--apply", "--exit-non-zero-on-fix", str(fixable)]).exit_code == 1
    assert runner.invoke(main, ["fix", "--apply", str(fixable)]).exit_code == 0  # nothing left to fix


def test_a_long_line_the_fix_writes_is_broken_and_the_users_own_are_not() -> None:
    user_line = (
        "    classifier_optimizer = SGD(model.parameters(), lr=0.5, momentum=0.9, nesterov=True, weight_decay=5e-4, "
        "dampening=0.0)"
    )
    source = (
        f"from torch.optim import SGD\nfrom torch.optim.lr_scheduler import StepLR\n\n\ndef train(model, loader):\n"
        f"{user_line}\n    scheduler = StepLR(classifier_optimizer, step_size=30)\n    for epoch in range(90):\n"
        "        for batch in loader:\n            classifier_optimizer.step()\n        scheduler.step()\n"
    )
    fixed = fix_source(source)
    assert len(user_line) > 120 and user_line in fixed.splitlines()
    assert "    scheduler = SequentialLR(\n        classifier_optimizer,\n        schedulers=[" in fixed
    assert "        milestones=[warmup_epochs],\n    )\n" in fixed
    assert max(len(line) for line in fixed.splitlines() if line != user_line) <= 120


SEQUENTIAL_CONSTANT = (
    "import torch\nfrom torch.optim.lr_scheduler import ConstantLR, LinearLR, SequentialLR\n"
    "optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)\n"
    "scheduler = SequentialLR(\n    optimizer,\n"
    "    [LinearLR(optimizer, 0.1, total_iters=3), ConstantLR(optimizer, 1.0)],\n"
    "    milestones=[3],\n)\n"
    "for epoch in range(30):\n    for batch in loader:\n        optimizer.step()\n    scheduler.step()\n"
)


def test_a_constant_phase_decays_to_the_end_of_the_run_in_the_unit_it_is_stepped_in() -> None:
    config = Config(fix=tuple({**DEFAULT_FIX, "decay": Decay.LINEAR, "min-lr-ratio": 0.1}.items()), line_length=120)
    outcome = fix_bytes(SEQUENTIAL_CONSTANT.encode(), "train.py", config)
    fixed = outcome.fixed.decode()
    assert [d.code for d in outcome.applied] == ["WL003"] and not outcome.remaining
    assert "total_epochs = 30\nscheduler = SequentialLR(\n" in fixed  # epochs: the loop around scheduler.step()
    assert "LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=total_epochs - 3)" in fixed
    assert "import ConstantLR" not in fixed and "ConstantLR" not in fixed


def test_a_constant_phase_with_an_unknown_run_length_asks_for_it() -> None:
    source = SEQUENTIAL_CONSTANT.replace("range(30)", "range(get_epochs())")
    [finding] = check_source(source, "train.py").diagnostics
    assert finding.code == "WL003" and not finding.fixable and "get_epochs()" in finding.no_fix_reason


LIGHTNING = (
    "import lightning as L\nimport torch\n\n\nclass Module(L.LightningModule):\n"
    "    def configure_optimizers(self):\n"
    "        optimizer = torch.optim.AdamW(self.parameters(), lr=3e-4)\n"
    "        scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, 0.01, total_iters=self.warmup_steps)\n"
    "        return {returned}\n"
)


@pytest.mark.parametrize(
    "returned, expected",
    [
        ("[optimizer], [scheduler]", '[optimizer], [{"scheduler": scheduler, "interval": "step"}]'),
        ("[optimizer], scheduler", '[optimizer], {"scheduler": scheduler, "interval": "step"}'),
        (
            '{"optimizer": optimizer, "lr_scheduler": scheduler}',
            '{"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}',
        ),
        (
            "{'optimizer': optimizer, 'lr_scheduler': {'scheduler': scheduler}}",
            "{'optimizer': optimizer, 'lr_scheduler': {'scheduler': scheduler, 'interval': 'step'}}",
        ),
        (
            '{"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}',
            '{"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}',
        ),
    ],
)
def test_a_lightning_scheduler_counted_in_steps_is_returned_with_interval_step(returned: str, expected: str) -> None:
    outcome = fix_bytes(LIGHTNING.format(returned=returned).encode(), "train.py", WIDE)
    # Once Lightning steps it per step, the lone LinearLR also decays over the trainer's own estimate.
    assert sorted(d.code for d in outcome.applied) == ["WL003", "WL007"]
    assert not outcome.remaining
    fixed = outcome.fixed.decode()
    assert f"        return {expected}\n" in fixed
    assert "total_steps = self.trainer.estimated_stepping_batches" in fixed


def test_a_lightning_return_that_lightning_would_not_accept_is_left_alone() -> None:
    source = LIGHTNING.format(returned="optimizer, scheduler")
    [finding] = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL007"]
    assert not finding.fixable and "Lightning reads a scheduler from a list or a config dict" in finding.no_fix_reason


def test_a_lightning_schedule_that_also_counts_epochs_keeps_its_interval() -> None:
    source = (
        LIGHTNING.format(returned="[optimizer], [scheduler]")
        .replace(
            "LinearLR(optimizer, 0.01, total_iters=self.warmup_steps)",
            "LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup_steps) * 0.5 ** (s // decay_epochs))",
        )
        .replace("        scheduler =", "        warmup_steps, decay_epochs = 100, 30\n        scheduler =")
    )
    [finding] = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL007"]
    assert not finding.fixable and "the schedule also counts `decay_epochs`" in finding.no_fix_reason


EPOCH_WARMUP = (
    "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.05)\nwarmup_epochs = 3\n"
    "scheduler = LambdaLR(optimizer, lambda e: min(1.0, (e + 1) / warmup_epochs) * 0.9**e)\n"
    "for epoch in range(10):\n    for batch in loader:\n        optimizer.step()\n        scheduler.step()\n"
)


def test_an_epoch_warmup_stepped_per_batch_is_stepped_once_per_epoch() -> None:
    fixed = fix_source(EPOCH_WARMUP, config=ALL_FIXES)
    assert fixed.endswith("    for batch in loader:\n        optimizer.step()\n    scheduler.step()\n")
    assert "WL007" not in codes(fixed)


@pytest.mark.parametrize(
    "change, reason",
    [
        (("0.9**e", "0.9 ** (e // decay_steps)"), "the schedule also counts `decay_steps`"),
        (
            ("        scheduler.step()", "        if batch:\n            scheduler.step()"),
            "would drop what it runs under",
        ),
    ],
)
def test_an_epoch_warmup_is_not_moved_where_moving_is_wrong(change: tuple[str, str], reason: str) -> None:
    source = EPOCH_WARMUP.replace(*change).replace("warmup_epochs = 3\n", "warmup_epochs = 3\ndecay_steps = 500\n")
    [finding] = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL007"]
    assert not finding.fixable and reason in finding.no_fix_reason


def test_a_step_warmup_is_not_moved_into_a_function_it_cannot_be_passed_into() -> None:
    script = ROOT / "fixtures" / "wl007_argparse_warmup_steps_function" / "train.py"
    source = script.read_text().replace("(model, optimizer, loader):", "(model, optimizer, loader, log_every=10):")
    [finding] = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL007"]
    assert not finding.fixable and finding.no_fix_reason == "cannot pass the scheduler into train_one_epoch()"


SHARED_STEP = (
    "import torch\n\n\ndef train_step(optimizer, batch):\n    optimizer.step()\n\n\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nwarmup_steps = 50\n"
    "for step, batch in enumerate(warmup_batches):\n"
    "    if step < warmup_steps:\n        optimizer.param_groups[0]['lr'] = 0.001\n"
    "    train_step(optimizer, batch)\n"
    "optimizer.param_groups[0]['lr'] = 0.1\nfor batch in loader:\n    train_step(optimizer, batch)\n"
)


def test_a_constant_warmup_becomes_a_ramp_in_place_where_no_scheduler_can_be_inserted() -> None:
    outcome = fix_bytes(SHARED_STEP.encode(), "train.py", Config())  # safe fixes only: the ramp is one
    assert [d.code for d in outcome.applied] == ["WL002"] and not outcome.remaining
    assert outcome.fixed.decode() == SHARED_STEP.replace("= 0.001", "= 0.1 * (step + 1) / (warmup_steps + 1)")


def test_a_ramp_in_place_that_would_never_decay_is_refused() -> None:
    source = SHARED_STEP.replace("optimizer.param_groups[0]['lr'] = 0.1\n", "")
    assert left_unfixed(source) == [("WL002", "the fixed file would warm up without ever decaying (WL003)")]


LIGHTNING_WARMUP_ONLY = """\
import lightning as L
import torch


class Model(L.LightningModule):
    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=3e-4)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda {unit}: min(1.0, ({unit} + 1) / 5))
        return {{"optimizer": optimizer, "lr_scheduler": {{"scheduler": scheduler, "interval": "{interval}"}}}}
"""


def test_a_lightning_run_stepped_per_step_decays_over_the_trainers_own_estimate() -> None:
    source = LIGHTNING_WARMUP_ONLY.format(unit="step", interval="step")
    (finding,) = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL003"]
    assert finding.fixable
    fixed = fix_source(source, "train.py")
    assert "total_steps = self.trainer.estimated_stepping_batches" in fixed
    assert not [d for d in check_source(fixed, "train.py").diagnostics if d.code == "WL003"]


def test_a_framework_run_without_a_length_in_the_file_asks_for_total_steps() -> None:
    """Stepped once per epoch by Lightning: the epoch count is the Trainer's, not in this file."""
    source = LIGHTNING_WARMUP_ONLY.format(unit="epoch", interval="epoch")
    (finding,) = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL003"]
    assert not finding.fixable
    assert "a framework (Lightning, a Trainer) steps the optimizer" in finding.no_fix_reason
    assert "--total-steps N" in finding.no_fix_reason
    configured = Config(fix=tuple({**DEFAULT_FIX, "total-steps": 90}.items()))
    fixed = fix_source(source, "train.py", configured)
    assert "total_steps = 90" in fixed
    assert not [d for d in check_source(fixed, "train.py", configured).diagnostics if d.code == "WL003"]


def test_an_optimizer_returned_alone_to_lightning_gets_a_scheduler_lightning_steps_per_step() -> None:
    source = """\
import lightning as L
import torch


class Model(L.LightningModule):
    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9)
        return optimizer
"""
    (finding,) = check_source(source, "train.py").diagnostics
    assert finding.code == "WL001" and finding.fix_safety is FixSafety.SAFE
    fixed = fix_source(source, "train.py", WIDE)
    assert "total_steps = self.trainer.estimated_stepping_batches" in fixed
    assert 'return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}' in fixed
    assert not check_source(fixed, "train.py").diagnostics
    compile(fixed, "train.py", "exec")


def test_an_optimizer_built_in_the_return_is_named_and_returned_with_its_scheduler() -> None:
    source = """\
import lightning as L
import torch


class Model(L.LightningModule):
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)
"""
    (finding,) = check_source(source, "train.py").diagnostics
    assert finding.code == "WL001" and finding.fixable
    fixed = fix_source(source, "train.py", WIDE)
    assert "        optimizer = torch.optim.SGD(self.parameters(), lr=0.1)\n" in fixed
    assert 'return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}' in fixed
    assert fixed.index("optimizer = torch.optim.SGD") < fixed.index("scheduler = ") < fixed.index("return {")
    assert not codes(fixed)


def test_an_optimizer_returned_beside_other_values_is_left_alone() -> None:
    """Only a construction returned on its own is given a name: in a tuple it is not the whole value."""
    source = """\
import lightning as L
import torch


class Model(L.LightningModule):
    def configure_optimizers(self):
        return [torch.optim.SGD(self.parameters(), lr=0.1)], []
"""
    (finding,) = check_source(source, "train.py").diagnostics
    assert finding.code == "WL001" and not finding.fixable
    assert fix_source(source, "train.py") == source


def test_removing_an_unused_suppression_from_an_lr_function_is_not_judged_as_a_new_schedule() -> None:
    """Removing the comment on `def lr_lambda(step):` writes no schedule, so the fixer's run check
    (which judges the schedules a fix wrote) has nothing to refuse."""
    source = (
        "import torch\n"
        "model = torch.nn.Linear(1, 1)\n"
        "max_steps = 40\n\n\n"
        "def lr_lambda(step):  # warmlint: ignore[WL003]\n"
        "    return 1.0\n\n\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)\n"
        "for step in range(max_steps):\n"
        "    optimizer.step()\n"
        "    scheduler.step()\n"
    )
    assert [d.code for d in check_source(source, "train.py").diagnostics] == ["WL101"]
    outcome = fix_bytes(source.encode(), "train.py", Config())
    assert [d.code for d in outcome.applied] == ["WL101"] and outcome.remaining == []
    assert outcome.fixed.decode() == source.replace("  # warmlint: ignore[WL003]", "")


RUN = """\
import torch

model = torch.nn.Linear(4, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr={lr})
for step in range({steps}):
    model(torch.randn(2, 4)).sum().backward()
    optimizer.step()
"""


def test_the_self_check_refuses_a_fixed_file_that_trains_at_another_lr_or_for_another_length() -> None:
    from warmlint.fixes.plans import FixOptions
    from warmlint.fixes.run_check import run_change, schedule_problem

    before = model_of(RUN.format(lr="5e-4", steps=200))
    assert run_change(before, model_of(RUN.format(lr="5e-4", steps=200))) is None
    assert run_change(before, model_of(RUN.format(lr="1e-5", steps=200))) == (
        "the fix would change the LR AdamW trains at from lr=0.0005 to lr=1e-05"
    )
    assert run_change(before, model_of(RUN.format(lr="5e-4", steps=100))) == (
        "the fix would change the run of AdamW from 200 steps to 100 steps"
    )
    # the fixer's self-check is the one that says it
    changed = schedule_problem(before, model_of(RUN.format(lr="1e-5", steps=200)), FixOptions())
    assert changed is not None and "from lr=0.0005 to lr=1e-05" in changed


LIGHTNING_ONECYCLE = """\
import lightning as L
import torch
from torch.optim.lr_scheduler import OneCycleLR


class Model(L.LightningModule):
    def __init__(self, lr=1e-3, total_steps=5000, epochs=10):
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(10, 1)

    def configure_optimizers(self):
        opt = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)
        sched = OneCycleLR(opt, max_lr=self.hparams.lr, total_steps={total})
        return [opt], [sched]


trainer = L.Trainer(max_epochs=20)
trainer.fit(Model())
"""


def test_a_onecycle_counted_in_steps_and_stepped_per_epoch_by_lightning_gets_the_step_interval() -> None:
    source = LIGHTNING_ONECYCLE.format(total="self.hparams.total_steps")
    fixed = fix_source(source, "train.py")
    assert "total_steps=self.hparams.total_steps)" in fixed, "the hyperparameter stays"
    assert 'return [opt], [{"scheduler": sched, "interval": "step"}]' in fixed
    assert "WL011" not in codes(fixed)


def test_a_length_fix_never_replaces_a_hyperparameter_with_a_number() -> None:
    """A cycle of `self.hparams.epochs` (10) stepped once per epoch for 20 epochs is too short, but
    the setting is where the user changes it: the fix is refused, with the number to set."""
    source = LIGHTNING_ONECYCLE.format(total="self.hparams.epochs")
    (finding,) = [d for d in check_source(source, "train.py").diagnostics if d.code == "WL011"]
    assert not finding.fixable
    assert finding.no_fix_reason == "`self.hparams.epochs` is a setting of the run: set it to 20 where it is configured"
    assert fix_source(source, "train.py") == source


LATE_LENGTH = """\
import torch
from torch.optim.lr_scheduler import LambdaLR

model = torch.nn.Linear(10, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
warmup_steps = 100
scheduler = LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup_steps))
{between}num_steps = 5000

for step in range(num_steps):
    model(torch.randn(4, 10)).sum().backward()
    optimizer.step()
    scheduler.step()
"""


def test_a_scheduler_built_before_its_run_length_is_rebuilt_after_it() -> None:
    source = LATE_LENGTH.format(between="")
    (finding,) = check_source(source, "train.py").diagnostics
    assert finding.code == "WL003" and finding.fix_safety is FixSafety.UNSAFE  # it moves the scheduler
    fixed = fix_bytes(source.encode(), "train.py", ALL_FIXES).fixed.decode()
    assert fixed.index("num_steps = 5000") < fixed.index("total_steps = num_steps") < fixed.index("scheduler = ")
    assert fixed.index("scheduler = LambdaLR(optimizer, warmup_cosine_decay)") < fixed.index("for step in")
    assert fixed.count("scheduler = ") == 1 and not codes(fixed)
    assert fix_source(source, "train.py") == source, "not a safe fix"


def test_a_scheduler_is_not_moved_past_code_that_uses_its_optimizer() -> None:
    source = LATE_LENGTH.format(between="optimizer.zero_grad()\n")
    (finding,) = check_source(source, "train.py").diagnostics
    assert finding.code == "WL003" and not finding.fixable
    assert finding.no_fix_reason == (
        "`num_steps` is defined only after code that uses `optimizer`: the scheduler cannot move there"
    )


def test_a_warmup_length_that_is_a_parameter_keeps_its_value_and_the_schedule_its_run_length() -> None:
    """`train(12)` sets the warmup: not a name where the scheduler goes, so W is its value, and the
    scheduler goes where T is defined (not where it is not, as `total_steps = None` would)."""
    script = ROOT / "fixtures" / "wl002_warmup_length_parameter" / "train.py"
    fixed = fix_bytes(script.read_bytes(), str(script), ALL_FIXES).fixed.decode()
    assert "total_steps = max_iters\nwarmup_steps = 12\n" in fixed
    assert "lr=5e-4" in fixed and "lr=1e-5" not in fixed
