"""Training configs in YAML and JSON files: recognised by content, judged, suppressed, fixed byte for byte."""

from __future__ import annotations

import difflib
import json
import os
import re

import pytest
from config_pairs import (
    config_fixture_files,
    expected_config_markers,
    fix_outcome,
    fixed_config,
    fixed_config_files,
    fixed_path,
)
from conftest import FIXTURES, found, write

from warmlint.config import Config
from warmlint.configs import MAX_CONFIG_BYTES, may_be_config
from warmlint.configs import yaml_reader as yaml_reader_module
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import check_source

CONFIGS = config_fixture_files()


def test_there_are_config_fixtures_of_each_form_pitfall_and_clean():
    names = {p.parent.name for p in CONFIGS}
    assert {n for n in names if n.startswith("clean_")} and {n for n in names if re.match(r"wl\d{3}_", n)}
    suffixes = {p.suffix for p in CONFIGS}
    assert suffixes == {".yaml", ".yml", ".json"}
    for path in CONFIGS:
        folder = path.parent.name
        codes = {code for _, code in expected_config_markers(path)}
        if folder.startswith("clean_"):
            assert not codes, path
        elif re.match(r"wl\d{3}_", folder):
            assert folder[:5].upper() in codes, path


@pytest.mark.parametrize("path", CONFIGS, ids=[str(p.relative_to(FIXTURES)) for p in CONFIGS])
def test_config_fixture_markers(path):
    result = check_source(path.read_bytes(), str(path))
    assert result.error is None
    assert {(d.line, d.code) for d in result.diagnostics} == expected_config_markers(path)


PITFALLS = [p for p in CONFIGS if expected_config_markers(p)]


@pytest.mark.parametrize("path", PITFALLS, ids=[str(p.relative_to(FIXTURES)) for p in PITFALLS])
def test_fixed_config_is_the_golden_file(path):
    fixed = fixed_config(path)
    if fixed is None:
        assert not fixed_path(path).exists(), "a stale fixed file: run tests/regenerate_golden.py"
        assert all(d.no_fix_reason for d in check_source(path.read_bytes(), str(path)).diagnostics)
        return
    assert fixed_path(path).read_bytes() == fixed, "run tests/regenerate_golden.py and review the diff"


@pytest.mark.parametrize("path", PITFALLS, ids=[str(p.relative_to(FIXTURES)) for p in PITFALLS])
def test_a_config_fix_changes_only_the_value_it_fixes(path):
    """Byte for byte outside the edit: every changed line is a flagged key's line, every added line a new key."""
    outcome = fix_outcome(path)
    if not outcome.applied:
        return
    before = path.read_text(encoding="utf-8").splitlines(keepends=True)
    after = outcome.fixed.decode("utf-8").splitlines(keepends=True)
    flagged = {d.line for d in outcome.applied}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag in ("replace", "insert"), (tag, before[i1:i2])
        if tag == "replace" and (i2 - i1) == (j2 - j1):
            assert set(range(i1 + 1, i2 + 1)) <= flagged | {i + 1 for i in range(i1, i2)} & _key_lines(before)
            for old, new in zip(before[i1:i2], after[j1:j2]):
                # the same key, indentation, quoting style and comment; only the value differs
                assert old.split(":")[0] == new.split(":")[0], (old, new)
        else:
            added = "".join(after[j1:j2])
            assert "total_num_steps" in added, added


def _key_lines(lines: list[str]) -> set[int]:
    return {n for n, line in enumerate(lines, start=1) if ":" in line}


FIXED = fixed_config_files()


@pytest.mark.parametrize("path", FIXED, ids=[str(p.relative_to(FIXTURES)) for p in FIXED])
def test_fixed_config_is_clean(path):
    result = check_source(path.read_bytes(), str(path))
    assert result.error is None and result.diagnostics == []


def test_the_fixture_tree_has_fixed_configs():
    assert len(FIXED) >= 8
    assert {p.suffix for p in FIXED} == {".yaml", ".yml", ".json"}


# ---- recognised by content --------------------------------------------------------------


def codes_of(text: str, name: str, config: Config | None = None) -> list[tuple[int, str]]:
    result = check_source(text.encode("utf-8"), name, config)
    assert result.error is None, result.error
    return [(d.line, d.code) for d in result.diagnostics]


def test_a_config_is_recognised_by_content_not_by_name():
    recipe = "learning_rate: 2e-5\nlr_scheduler_type: constant_with_warmup\nwarmup_steps: 10\n"
    assert codes_of(recipe, "anything.yml") == [(2, "WL003")]
    assert codes_of(recipe, "x/y/z.YAML") == [(2, "WL003")]
    # The same words in a file that is not a training config: nothing.
    assert codes_of("lr_scheduler: constant_with_warmup\nname: docs\n", "mkdocs.yml") == []
    assert codes_of('{"scheduler": {"type": "cron"}, "warmup": true}', "k8s.json") == []


def test_auto_and_placeholders_are_unknown_and_silent():
    assert codes_of("lr_scheduler_type: constant\nwarmup_ratio: ${WARMUP}\nlearning_rate: 1e-5\n", "a.yaml") == []
    assert codes_of('{"lr_scheduler_type": "constant", "warmup_steps": "auto"}', "a.json") == []
    assert codes_of("lr_scheduler_type: constant\nwarmup_ratio: 0.0\n", "a.yaml") == []
    deepspeed = {"scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": "auto"}}, "max_steps": 100}
    assert codes_of(json.dumps(deepspeed), "ds.json") == []


def test_the_diagnostic_points_at_the_key_with_its_value_as_the_span():
    text = '{\n  "scheduler": {\n        "type": "WarmupLR"\n  }\n}\n'
    (diagnostic,) = check_source(text, "ds_config.json").diagnostics
    assert diagnostic.location == "ds_config.json:3:9"
    assert (diagnostic.span.end_line, diagnostic.span.end_column) == (3, 27)


def test_a_deepspeed_dict_nested_in_a_yaml_config_is_read():
    text = "max_steps: 100\ndeepspeed:\n  scheduler:\n    type: WarmupLR\n    params: {warmup_num_steps: 100}\n"
    assert codes_of(text, "launch.yaml") == [(4, "WL003"), (5, "WL009")]


def test_the_prefilter_lets_every_config_fixture_through_and_common_files_not():
    for path in CONFIGS:
        assert may_be_config(path.read_bytes()), path
    for common in (b'{"name": "pkg", "version": "1.0.0"}', b"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"):
        assert not may_be_config(common)


# ---- suppression, selection, output -------------------------------------------------


def test_a_yaml_comment_on_the_line_suppresses_and_a_malformed_one_is_reported():
    base = "learning_rate: 2e-5\nwarmup_ratio: 0.1\nlr_scheduler_type: constant"
    assert codes_of(base + "  # warmlint: ignore[WL014]\n", "r.yaml") == []
    assert codes_of(base + "  # noqa: WL014\n", "r.yaml") == []
    assert codes_of(base + "  # warmlint: ignore[WL003]\n", "r.yaml") == [(3, "WL014")]
    assert codes_of(base + "  # warmlint: ignore WL014\n", "r.yaml") == [(3, "WL014"), (3, "WL100")]
    # a `#` inside a quoted value is not a comment
    assert codes_of(
        'learning_rate: 2e-5\nwarmup_ratio: 0.1\nlr_scheduler_type: "constant"\nnote: "a # noqa: WL014"\n', "r.yaml"
    )


def test_per_file_ignores_silence_a_json_config(cli, in_tmp):
    write(in_tmp, "configs/ds_config.json", '{"scheduler": {"type": "WarmupLR", "params": {}}}')
    assert cli("check", "--no-cache", "configs").exit_code == 1
    write(in_tmp, "pyproject.toml", '[tool.warmlint.per-file-ignores]\n"configs/*.json" = ["WL003"]\n')
    assert cli("check", "--no-cache", "configs").exit_code == 0


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_every_output_format_reports_a_config_finding(cli, in_tmp, output_format):
    write(
        in_tmp, "ds_config.json", '{\n  "scheduler": {\n    "type": "WarmupLR",\n    "params": {"a": "auto"}\n  }\n}\n'
    )
    result = cli("check", "--no-cache", "--output-format", output_format, ".")
    assert result.exit_code == 1, result.output
    if output_format == "text":
        assert "ds_config.json:3:5: WL003" in result.stdout
    elif output_format == "json":
        (entry,) = json.loads(result.stdout)
        assert (entry["path"], entry["line"], entry["column"], entry["code"]) == ("ds_config.json", 3, 5, "WL003")
    elif output_format == "github":
        assert "::warning file=ds_config.json,line=3,col=5" in result.stdout
    else:
        (run,) = json.loads(result.stdout)["runs"]
        (found_result,) = run["results"]
        region = found_result["locations"][0]["physicalLocation"]["region"]
        assert (found_result["ruleId"], region["startLine"], region["startColumn"]) == ("WL003", 3, 5)
        replaced = found_result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
        assert "WarmupDecayLR" in replaced and '"total_num_steps": "auto"' in replaced


def test_discovery_finds_yaml_yml_and_json(cli, in_tmp):
    for name in ("a.yaml", "b.yml", "c.json", "d.txt"):
        write(in_tmp, f"configs/{name}", "x: 1\n")
    listed = cli("check", "--show-files", ".").stdout.split()
    assert sorted(listed) == ["configs/a.yaml", "configs/b.yml", "configs/c.json"]


def test_the_cache_answers_an_unchanged_config(cli, in_tmp, monkeypatch):
    write(in_tmp, "r.yaml", "learning_rate: 2e-5\nlr_scheduler_type: constant_with_warmup\nwarmup_steps: 5\n")
    first = cli("check", ".")
    import warmlint.configs.check as config_check

    def not_again(*args, **kwargs):
        raise AssertionError("read again although it did not change")

    monkeypatch.setattr(config_check, "check_config", not_again)
    second = cli("check", ".")
    assert first.stdout == second.stdout and "r.yaml:2:1: WL003" in second.stdout


def test_stdin_with_a_config_file_name_is_read_as_that_config(cli, in_tmp):
    recipe = "lr_scheduler_type: constant_with_warmup\nwarmup_steps: 5\nlearning_rate: 1e-5\n"
    checked = cli("check", "--stdin-filename", "recipes/sft.yaml", "-", input=recipe)
    assert checked.exit_code == 1 and "recipes/sft.yaml:1:1: WL003" in checked.stdout
    fixed = cli("fix", "--stdin-filename", "recipes/sft.yaml", "-", input=recipe)
    assert fixed.stdout == recipe.replace("constant_with_warmup", "cosine")


def test_without_ruamel_yaml_files_are_skipped_without_error(cli, in_tmp, monkeypatch):
    monkeypatch.setattr(yaml_reader_module, "available", lambda: False)
    import warmlint.configs.check as config_check

    monkeypatch.setattr(config_check, "available", lambda: False)
    write(in_tmp, "r.yaml", "learning_rate: 2e-5\nlr_scheduler_type: constant_with_warmup\nwarmup_steps: 5\n")
    write(in_tmp, "ds.json", '{"scheduler": {"type": "WarmupLR"}}')
    result = cli("check", "--no-cache", ".")
    assert result.exit_code == 1 and "r.yaml" not in result.stdout and "ds.json:1:" in result.stdout


def test_add_noqa_comments_a_yaml_finding_and_leaves_json_alone(cli, in_tmp):
    recipe = write(in_tmp, "r.yaml", "learning_rate: 2e-5\nwarmup_ratio: 0.1\nlr_scheduler_type: constant  # flat\n")
    text = '{"scheduler": {"type": "WarmupLR", "params": {"a": "auto"}}}'
    deepspeed = write(in_tmp, "ds.json", text)
    result = cli("check", "--add-noqa", ".")
    assert result.exit_code == 2 and "ds.json: JSON has no comments" in result.stderr
    assert deepspeed.read_text() == text
    assert recipe.read_text().splitlines()[2] == "lr_scheduler_type: constant  # flat  # noqa: WL014"
    assert cli("check", "--no-cache", "r.yaml").exit_code == 0


# ---- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.yaml", b"lr_scheduler_type: [cosine\nwarmup: 1\n", "cannot parse YAML"),
        ("dup.yaml", b"lr_scheduler_type: a\nlr_scheduler_type: b\n", "cannot parse YAML: found duplicate key"),
        ("broken.json", b'{"lr_scheduler_type": "constant",}', "cannot parse JSON"),
        ("latin1.yaml", b"lr_scheduler_type: caf\xe9\n", "not UTF-8 text"),
        ("deep.json", b'{"lr_scheduler_type": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "cannot parse JSON: nested"),
        ("deep.yaml", b"lr_scheduler_type: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "cannot parse YAML"),
    ],
)
def test_bad_config_gives_one_line_naming_the_file(cli, in_tmp, name, content, reason):
    write(in_tmp, name, content)
    result = cli("check", "--no-cache", ".")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"warmlint: error: {name}: {reason}"), line


def test_an_alias_bomb_is_read_in_bounded_time_and_memory():
    lines = ['a0: &a0 ["warmup", "warmup", "warmup", "warmup", "warmup", "warmup", "warmup", "warmup", "warmup"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    result = check_source(("\n".join(lines) + "\nlr_scheduler_type: constant\n").encode(), "bomb.yaml")
    assert result.error is None and result.diagnostics == []


def test_a_huge_json_file_is_skipped_without_being_read(cli, in_tmp):
    huge = in_tmp / "data.json"
    with huge.open("wb") as stream:  # 100 MB, sparse: the size is what matters
        stream.write(b'{"warmup_steps": 1')
        stream.truncate(100 * 1024 * 1024)
    assert os.path.getsize(huge) > MAX_CONFIG_BYTES
    result = cli("check", "--no-cache", ".")
    assert result.exit_code == 0 and result.stderr == ""


# ---- fixes --------------------------------------------------------------------------


def test_warmuplr_without_run_length_or_auto_has_no_fix_and_says_why():
    text = '{"scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 100}}}'
    (diagnostic,) = check_source(text, "ds.json").diagnostics
    assert not diagnostic.fixable and "does not say how long the run is" in diagnostic.no_fix_reason
    assert fix_bytes(text.encode(), "ds.json", Config()).fixed == text.encode()


def test_warmuplr_takes_total_num_steps_from_train_iters():
    text = "train_iters: 4000\nscheduler:\n  type: WarmupLR\n  params:\n    warmup_num_steps: 100\n"
    fixed = fix_bytes(text.encode(), "ds.yaml", Config()).fixed.decode()
    assert fixed == text.replace("WarmupLR", "WarmupDecayLR") + "    total_num_steps: 4000\n"


def test_a_yaml_fix_keeps_crlf_line_endings_comments_and_a_bom():
    text = "\ufeff# recipe\r\nlr_scheduler_type: 'constant_with_warmup' # flat\r\nwarmup_steps: 5\r\n"
    fixed = fix_bytes(text.encode(), "r.yaml", Config()).fixed.decode()
    assert fixed == text.replace("constant_with_warmup", "cosine")


def test_fix_apply_writes_the_config(cli, in_tmp):
    path = write(in_tmp, "r.yaml", "lr_scheduler_type: constant  # keep\nwarmup_ratio: 0.1\nlearning_rate: 1e-5\n")
    result = cli("fix", "--apply", ".")
    assert result.exit_code == 0, result.output
    assert path.read_text() == "lr_scheduler_type: cosine  # keep\nwarmup_ratio: 0.1\nlearning_rate: 1e-5\n"


# ---- WL014 in Python ----------------------------------------------------------------

TRAINING_RUN = """\
from transformers import AutoModelForCausalLM, Trainer, TrainingArguments

model = AutoModelForCausalLM.from_pretrained({checkpoint!r})
args = TrainingArguments(output_dir="o", lr_scheduler_type="constant", {warmup})
Trainer(model=model, args=args){train}
"""


@pytest.mark.parametrize(
    ("checkpoint", "warmup", "train", "expected"),
    [
        ("meta-llama/Llama-3.1-8B", "warmup_ratio=0.1", ".train()", {(4, "WL014")}),
        ("meta-llama/Llama-3.1-8B", "warmup_steps=50", ".train()", {(4, "WL014")}),
        ("meta-llama/Llama-3.1-8B", "warmup_steps=0", ".train()", set()),  # no warmup asked for
        ("meta-llama/Llama-3.1-8B", "warmup_ratio=0.1", "", set()),  # never trained here
        ("hf-internal-testing/tiny-random-gpt2", "warmup_ratio=0.1", ".train()", set()),  # a test checkpoint
        ("sshleifer/tiny-gpt2", "warmup_ratio=0.1", ".train()", set()),
    ],
)
def test_wl014_on_trainer_keywords_of_a_training_run(checkpoint, warmup, train, expected):
    assert found(TRAINING_RUN.format(checkpoint=checkpoint, warmup=warmup, train=train)) == expected
