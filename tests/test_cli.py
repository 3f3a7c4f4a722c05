"""The `warmlint` command line: output formats, selection, exit codes, discovery."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import (
    ANSI,
    HIGH_SGD,
    LOW_SGD,
    TEXT_LINE,
    WL002_SOURCE,
    WL003_SOURCE,
    reported_codes,
    run_module,
    text_lines,
    write,
)

from warmlint import __version__
from warmlint.output.rule_docs import rule_doc
from warmlint.rule_index import RULE_INFO, all_codes

TWO_OPTIMIZERS = """\
import torch
a = torch.optim.SGD(one.parameters(), lr=0.1)
b = torch.optim.SGD(two.parameters(), lr=0.2); c = torch.optim.SGD(three.parameters(), lr=0.3)
for batch in loader:
    a.step()
    b.step()
    c.step()
"""


@pytest.fixture
def project(in_tmp):
    """One file per rule code, plus a clean one, in a temporary working directory."""
    write(in_tmp, "wl001.py", HIGH_SGD)
    write(in_tmp, "wl002.py", WL002_SOURCE)
    write(in_tmp, "wl003.py", WL003_SOURCE)
    write(in_tmp, "clean.py", LOW_SGD)
    return in_tmp


# ---- text output --------------------------------------------------------------


def test_text_format_lines_hints_and_summary(cli, in_tmp):
    write(in_tmp, "b.py", TWO_OPTIMIZERS)
    write(in_tmp, "a.py", HIGH_SGD)
    write(in_tmp, "sub/c.py", "\n\n" + HIGH_SGD)
    result = cli("check", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    matches = text_lines(result.stdout)
    keys = [(m["path"], int(m["line"]), int(m["col"])) for m in matches]
    assert keys == [("a.py", 2, 7), ("b.py", 2, 5), ("b.py", 3, 5), ("b.py", 3, 52), ("sub/c.py", 4, 7)]
    assert keys == sorted(keys)
    for match in matches:
        assert match["code"] == "WL001"
        assert match["name"] == RULE_INFO["WL001"].name
        assert "lr=" in match["message"]
    # Every diagnostic line is followed by its indented hint lines.
    first = lines.index(matches[0].group(0))
    assert lines[first + 1].startswith("    hint: ")
    assert all(TEXT_LINE.match(line) or line.startswith("    ") for line in lines[:-1])
    assert lines[-1] == "Found 5 problems in 3 files."
    assert result.stderr == ""


def test_text_summary_singular_and_clean(cli, in_tmp):
    write(in_tmp, "a.py", HIGH_SGD)
    write(in_tmp, "ok.py", LOW_SGD)
    result = cli("check", "a.py", "ok.py")
    assert result.stdout.splitlines()[-1] == "Found 1 problem in 1 file."
    clean = cli("check", "ok.py")
    assert clean.exit_code == 0
    assert clean.stdout.strip() == "All checks passed."


def test_quiet_prints_only_diagnostic_lines(cli, project):
    result = cli("check", "--quiet", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(TEXT_LINE.match(line) for line in lines)
    assert not any("hint" in line or "Found" in line for line in lines)
    clean = cli("check", "-q", "clean.py")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_fixable_marker_matches_json(cli, project):
    text = {(m["path"], int(m["line"])): bool(m["fix"]) for m in text_lines(cli("check", ".").stdout)}
    items = json.loads(cli("check", "--format", "json", ".").stdout)
    assert text == {(i["path"], i["line"]): i["fixable"] for i in items}


# ---- json and github ----------------------------------------------------------

JSON_KEYS = {
    "path": str,
    "line": int,
    "column": int,
    "end_line": int,
    "end_column": int,
    "code": str,
    "name": str,
    "message": str,
    "severity": str,
    "fixable": bool,
    "fix_safety": (str, type(None)),
}


def test_json_format(cli, project):
    result = cli("check", "--format", "json", ".")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 3
    for item in items:
        assert set(item) == set(JSON_KEYS)
        for key, kind in JSON_KEYS.items():
            assert type(item[key]) in (kind if isinstance(kind, tuple) else (kind,)), (key, item[key])
        assert (item["fix_safety"] in ("safe", "unsafe")) == item["fixable"]
        assert item["line"] >= 1 and item["column"] >= 1
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])
        assert item["name"] == RULE_INFO[item["code"]].name
        assert item["severity"] in {"error", "warning", "info"}
    wl001 = next(i for i in items if i["code"] == "WL001")
    # `opt = torch.optim.SGD(...)`: the call starts in column 7 (1-based) of line 2.
    assert (wl001["path"], wl001["line"], wl001["column"]) == ("wl001.py", 2, 7)
    assert wl001["end_line"] == 2 and wl001["end_column"] == len(HIGH_SGD.splitlines()[1]) + 1
    assert [i["path"] for i in items] == sorted(i["path"] for i in items)


def test_json_clean_is_empty_array(cli, project):
    result = cli("check", "--format", "json", "clean.py")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_github_format(cli, project):
    result = cli("check", "--format", "github", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    pattern = re.compile(
        r"^::(warning|error) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
        r"endLine=\d+,endColumn=\d+,title=(?P<code>WL\d{3}) (?P<name>[a-z-]+)::(?P<msg>.+)$"
    )
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed), lines
    assert {(m["file"], m["code"]) for m in parsed} == {
        ("wl001.py", "WL001"),
        ("wl002.py", "WL002"),
        ("wl003.py", "WL003"),
    }
    wl001 = next(m for m in parsed if m["code"] == "WL001")
    assert (wl001["line"], wl001["col"]) == ("2", "7")


def test_github_format_escapes_properties(cli, in_tmp):
    write(in_tmp, "a,b.py", HIGH_SGD)
    result = cli("check", "--format", "github", "a,b.py")
    assert result.stdout.startswith("::warning file=a%2Cb.py,line=2,")


def test_syntax_error_is_an_error_annotation(cli, in_tmp):
    write(in_tmp, "bad.py", "def f(:\n")
    line = cli("check", "--format", "github", "bad.py").stdout.strip()
    assert line.startswith("::error file=bad.py,line=1,") and "WL000 syntax-error" in line


# ---- selection -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["WL001", "WL002", "WL003"]),
        (("--select", "WL001"), ["WL001"]),
        (("--select", "wl002"), ["WL002"]),
        (("--select", "WL001,WL003"), ["WL001", "WL003"]),
        (("--select", "WL001", "--select", "WL002"), ["WL001", "WL002"]),
        (("--select", "WL00"), ["WL001", "WL002", "WL003"]),
        (("--select", "WL"), ["WL001", "WL002", "WL003"]),
        (("--ignore", "WL002"), ["WL001", "WL003"]),
        (("--ignore", "WL001, WL003"), ["WL002"]),
        (("--ignore", "WL00"), []),
        (("--select", "WL00", "--ignore", "WL003"), ["WL001", "WL002"]),
    ],
)
def test_select_and_ignore(cli, project, args, expected):
    result = cli("check", *args, ".")
    assert reported_codes(result.stdout) == expected
    assert result.exit_code == (1 if expected else 0)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_is_a_usage_error(cli, project, option):
    result = cli("check", option, "WL001,WL999", ".")
    assert result.exit_code == 2
    assert "WL999" in result.stderr
    assert ", ".join(all_codes()) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_exit_zero(cli, project):
    result = cli("check", "--exit-zero", ".")
    assert result.exit_code == 0
    assert len(text_lines(result.stdout)) == 3


# ---- stdin -----------------------------------------------------------------------


def test_stdin_with_filename(cli, in_tmp):
    result = cli("check", "-", "--stdin-filename", "scripts/train.py", input=HIGH_SGD.encode())
    assert result.exit_code == 1
    match = text_lines(result.stdout)[0]
    assert (match["path"], match["line"], match["code"]) == ("scripts/train.py", "2", "WL001")


def test_stdin_without_filename(cli, in_tmp):
    result = cli("check", "-", input=HIGH_SGD.encode())
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:2:7: WL001")
    assert cli("check", "-", input=LOW_SGD.encode()).exit_code == 0


def test_stdin_syntax_error(cli, in_tmp):
    result = cli("check", "-", "--stdin-filename", "x.py", input=b"x = = 1\n")
    assert result.exit_code == 1
    assert result.stdout.startswith("x.py:1:")
    assert "WL000" in result.stdout


@pytest.mark.slow  # a fresh interpreter
def test_stdin_through_subprocess():
    result = run_module("check", "-", "--stdin-filename", "t.py", "--format", "json", input=HIGH_SGD.encode())
    assert result.returncode == 1
    assert [(i["path"], i["code"]) for i in json.loads(result.stdout)] == [("t.py", "WL001")]


# ---- exit codes, version, errors ------------------------------------------------


def test_exit_codes(cli, project):
    assert cli("check", "clean.py").exit_code == 0
    assert cli("check", "wl001.py").exit_code == 1
    assert cli("check", "missing.py").exit_code == 2
    assert cli("check", "--format", "yaml", ".").exit_code == 2


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout and "warmlint" in result.stdout


def test_python_dash_m_version():
    result = run_module("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout.decode()


def test_nonexistent_path(cli, project):
    result = cli("check", "does/not/exist.py", "wl001.py")
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and "does/not/exist.py" in errors[0]
    # The other path is still checked, and the summary does not claim success.
    assert reported_codes(result.stdout) == ["WL001"]
    assert "All checks passed" not in result.stdout
    alone = cli("check", "nope.py")
    assert alone.exit_code == 2
    assert "All checks passed" not in alone.stdout


def test_directory_without_python_files(cli, in_tmp):
    write(in_tmp, "docs/readme.md", "# not python\n")
    write(in_tmp, "docs/data.csv", "a,b\n")
    result = cli("check", "docs")
    assert result.exit_code == 0
    assert "warning" in result.stderr and "no Python files" in result.stderr


# ---- rule docs -------------------------------------------------------------------


def test_rule_prints_doc_page(cli):
    page = rule_doc("WL001")
    assert page, "rules/WL001-*.md is missing"
    result = cli("rule", "WL001")
    assert result.exit_code == 0
    assert result.stdout.strip() == page.strip()
    assert cli("rule", "wl001").stdout == result.stdout


def test_rule_all_lists_every_code(cli):
    result = cli("rule", "--all")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("WL")]
    assert listed == all_codes()
    assert {"WL000", "WL001", "WL002", "WL003"} <= set(listed)
    for code in listed:
        assert RULE_INFO[code].name in result.stdout


def test_unknown_rule(cli):
    result = cli("rule", "WL999")
    assert result.exit_code == 2
    assert "WL999" in result.stderr and ", ".join(all_codes()) in result.stderr


# ---- colour ------------------------------------------------------------------------


def test_no_color_disables_ansi(cli, project):
    coloured = cli("check", ".", color=True)
    assert ANSI in coloured.stdout  # the check below can fail
    plain = cli("check", ".", color=True, env={"NO_COLOR": "1"})
    assert ANSI not in plain.stdout and ANSI not in plain.stderr
    assert text_lines(plain.stdout)


@pytest.mark.slow  # a fresh interpreter
def test_no_ansi_when_piped(project):
    result = run_module("check", ".", cwd=project, env={"NO_COLOR": ""})
    assert result.returncode == 1
    assert ANSI.encode() not in result.stdout


@pytest.mark.slow  # a fresh interpreter
def test_force_color_keeps_ansi_when_piped(project):
    forced = run_module("check", ".", cwd=project, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert forced.returncode == 1
    assert ANSI.encode() in forced.stdout
    both = run_module("check", ".", cwd=project, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert ANSI.encode() not in both.stdout


# ---- discovery -------------------------------------------------------------------


def test_discovery_skips_tool_and_build_folders(cli, in_tmp):
    write(in_tmp, "src/train.py", HIGH_SGD)
    for folder in (".git", ".venv", "build", "dist", "__pycache__", "node_modules", "venv", ".tox", "pkg.egg-info"):
        write(in_tmp, f"{folder}/train.py", HIGH_SGD)
        write(in_tmp, f"src/{folder}/train.py", HIGH_SGD)
    # A virtualenv is recognised by its pyvenv.cfg, whatever its name.
    write(in_tmp, "myenv/pyvenv.cfg", "home = /usr/bin\n")
    write(in_tmp, "myenv/lib/train.py", HIGH_SGD)
    result = cli("check", "--quiet", ".")
    assert [m["path"] for m in text_lines(result.stdout)] == ["src/train.py"]


def test_discovery_checks_pyi_and_skips_other_suffixes(cli, in_tmp):
    write(in_tmp, "a.py", HIGH_SGD)
    write(in_tmp, "b.pyi", HIGH_SGD)
    write(in_tmp, "c.txt", HIGH_SGD)
    write(in_tmp, "d.ipynb", "{}")
    result = cli("check", "-q", ".")
    assert sorted(m["path"] for m in text_lines(result.stdout)) == ["a.py", "b.pyi"]


def test_explicit_folder_named_build_is_checked(cli, in_tmp):
    write(in_tmp, "build/train.py", HIGH_SGD)
    result = cli("check", "-q", "build")
    assert [m["path"] for m in text_lines(result.stdout)] == ["build/train.py"]


def test_same_file_twice_is_reported_once(cli, in_tmp):
    write(in_tmp, "a.py", HIGH_SGD)
    result = cli("check", "-q", "a.py", "a.py", ".")
    assert len(text_lines(result.stdout)) == 1


def test_explicit_file_with_other_suffix_is_checked(cli, in_tmp):
    write(in_tmp, "train_script", HIGH_SGD)
    assert reported_codes(cli("check", "train_script").stdout) == ["WL001"]


def test_force_exclude_applies_config_excludes_to_named_files(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nexclude = ["generated", "legacy_*.py"]\n')
    write(in_tmp, "generated/train.py", HIGH_SGD)
    write(in_tmp, "legacy_train.py", HIGH_SGD)
    write(in_tmp, "train.py", HIGH_SGD)
    walked = cli("check", "-q", ".")
    assert [m["path"] for m in text_lines(walked.stdout)] == ["train.py"]
    named = cli("check", "-q", "generated/train.py", "legacy_train.py", "train.py")
    assert len(text_lines(named.stdout)) == 3
    forced = cli("check", "-q", "--force-exclude", "generated/train.py", "legacy_train.py", "train.py")
    assert [m["path"] for m in text_lines(forced.stdout)] == ["train.py"]
    only_excluded = cli("check", "--force-exclude", "generated/train.py")
    assert only_excluded.exit_code == 0
    assert text_lines(only_excluded.stdout) == []


# ---- cache and worker processes ------------------------------------------------------


def test_results_cache_is_reused_and_invalidated(cli, in_tmp, monkeypatch):
    script = write(in_tmp, "train.py", HIGH_SGD)
    first = cli("check", "train.py")
    assert first.exit_code == 1
    assert (in_tmp / ".warmlint_cache").is_dir()
    with monkeypatch.context() as patch:  # prove the second answer comes from the cache
        patch.setattr("warmlint.engine.lint.check_source", lambda *args: pytest.fail("file checked again"))
        again = cli("check", "train.py")
    assert (again.exit_code, again.stdout) == (1, first.stdout)
    script.write_text(LOW_SGD)  # a changed file is checked again
    assert cli("check", "train.py").exit_code == 0
    script.write_text(HIGH_SGD)
    assert cli("check", "train.py").stdout == first.stdout
    write(in_tmp, "pyproject.toml", "[tool.warmlint.thresholds]\nsgd-high = 0.5\n")
    assert cli("check", "train.py").exit_code == 0  # a changed config is not answered from the cache
    assert cli("check", "--select", "WL002", "train.py").exit_code == 0


CACHED_RUN = """
import sys
from warmlint.cli import main
try:
    main(["check", "-q", "train.py"])
except SystemExit as stop:
    print(stop.code, "libcst" in sys.modules)
"""


def test_a_run_answered_from_the_cache_never_loads_the_parser(in_tmp):
    # The start-up cost of a cached run is most of its time: it must not import libcst.
    write(in_tmp, "train.py", HIGH_SGD)
    write(in_tmp, "notes.py", "print('nothing to do with training')\n")
    runs = [
        subprocess.run([sys.executable, "-c", CACHED_RUN], cwd=in_tmp, capture_output=True, text=True) for _ in range(2)
    ]
    assert [run.stdout.split()[-2:] for run in runs] == [["1", "True"], ["1", "False"]], runs[1].stderr
    assert runs[0].stdout.splitlines()[0] == runs[1].stdout.splitlines()[0]


def test_no_cache_leaves_no_cache_folder(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    assert cli("check", "--no-cache", "train.py").exit_code == 1
    assert not (in_tmp / ".warmlint_cache").exists()


@pytest.mark.slow  # a process pool
def test_worker_processes_give_the_same_results(cli, in_tmp):
    for index in range(60):
        write(in_tmp, f"pkg/train_{index:02d}.py", HIGH_SGD if index % 3 else LOW_SGD)
    write(in_tmp, "pkg/broken.py", "import torch\nx = = torch.optim\n")
    serial = cli("check", "--no-cache", "--jobs", "1", "--format", "json", "pkg")
    parallel = cli("check", "--no-cache", "--jobs", "2", "--format", "json", "pkg")
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert len(json.loads(serial.stdout)) == 40 + 1


# ---- selection by name, statistics, output format and file ------------------------------


def test_rule_names_are_accepted_wherever_a_code_is(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    write(in_tmp, "wl002.py", WL002_SOURCE)
    assert reported_codes(cli("check", "--select", "high-lr-without-schedule", ".").stdout) == ["WL001"]
    assert reported_codes(cli("check", "--extend-ignore", "constant-warmup", ".").stdout) == ["WL001"]
    write(in_tmp, "warmlint.toml", 'select = ["constant-warmup"]\n')
    assert reported_codes(cli("check", ".").stdout) == ["WL002"]
    page = cli("rule", "high-lr-without-schedule")
    assert page.exit_code == 0 and "WL001" in page.stdout
    assert cli("rule", "no-such-rule").exit_code == 2


def test_statistics_counts_per_rule_and_marks_fixable(cli, in_tmp):
    write(in_tmp, "a.py", WL002_SOURCE)
    write(in_tmp, "b.py", WL002_SOURCE)
    write(in_tmp, "c.py", HIGH_SGD)
    result = cli("check", "--statistics", ".")
    assert result.exit_code == 1
    # WL002's fix removes the manual writes: unsafe, marked as text output marks it.
    assert result.stdout.splitlines() == [
        "2\tWL002\t[*unsafe] constant-warmup",
        "1\tWL001\t          high-lr-without-schedule",
    ]


def test_output_format_is_ruffs_spelling_and_format_stays_an_alias(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    new = cli("check", "--output-format", "json", "train.py")
    old = cli("check", "--format", "json", "train.py")
    assert json.loads(new.stdout) == json.loads(old.stdout) and json.loads(new.stdout)[0]["code"] == "WL001"


def test_output_file_gets_the_report_without_colour(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    result = cli("check", "-o", "report.txt", "train.py", color=True)
    assert result.exit_code == 1 and result.stdout == ""
    report = (in_tmp / "report.txt").read_text()
    assert reported_codes(report) == ["WL001"] and ANSI not in report
