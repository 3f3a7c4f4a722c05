"""`[tool.warmlint]` in pyproject.toml: discovery, every key, validation, CLI precedence."""

from __future__ import annotations

import pytest
from conftest import (
    HIGH_SGD,
    LOW_SGD,
    WL002_SOURCE,
    WL003_SOURCE,
    reported_codes,
    text_lines,
    with_training_loop,
    write,
)

from warmlint.config import DEFAULT_FIX, DEFAULT_THRESHOLDS, Config, Decay
from warmlint.engine.lint import check_source
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes


def pyproject(folder, body: str):
    return write(folder, "pyproject.toml", "[tool.warmlint]\n" + body)


def paths(output: str) -> list[str]:
    return sorted(m["path"] for m in text_lines(output))


@pytest.fixture
def project(in_tmp):
    write(in_tmp, "wl001.py", HIGH_SGD)
    write(in_tmp, "wl002.py", WL002_SOURCE)
    write(in_tmp, "wl003.py", WL003_SOURCE)
    return in_tmp


# ---- finding the configuration ---------------------------------------------------


def test_no_configuration_means_defaults(in_tmp):
    config = SettingsResolver(all_codes()).config_for(in_tmp)
    assert config == Config()
    assert dict(config.thresholds) == DEFAULT_THRESHOLDS
    assert dict(config.fix) == DEFAULT_FIX


def test_nearest_pyproject_above_the_checked_path(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nignore = ["WL001"]\n')
    write(in_tmp, "inner/pyproject.toml", '[tool.warmlint]\nselect = ["WL001"]\n')
    write(in_tmp, "inner/deep/train.py", HIGH_SGD)
    write(in_tmp, "outer/train.py", HIGH_SGD)
    # inner/deep/train.py is governed by inner/pyproject.toml (select WL001): reported.
    assert reported_codes(cli("check", "inner/deep/train.py").stdout) == ["WL001"]
    assert reported_codes(cli("check", "inner").stdout) == ["WL001"]
    # outer/train.py only sees the top-level one (ignore WL001): silent.
    result = cli("check", "outer/train.py")
    assert result.exit_code == 0 and reported_codes(result.stdout) == []


def test_pyproject_without_warmlint_table_is_passed_over(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nignore = ["WL001"]\n')
    write(in_tmp, "pkg/pyproject.toml", '[project]\nname = "pkg"\n')
    write(in_tmp, "pkg/train.py", HIGH_SGD)
    assert cli("check", "pkg/train.py").exit_code == 0


def test_explicit_config_file(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    write(in_tmp, "other.toml", '[tool.warmlint]\nignore = ["WL001"]\n')
    assert cli("check", "train.py").exit_code == 1
    assert cli("check", "--config", "other.toml", "train.py").exit_code == 0


def test_invalid_toml_is_a_one_line_error(cli, in_tmp):
    write(in_tmp, "pyproject.toml", "[tool.warmlint\n")
    write(in_tmp, "train.py", HIGH_SGD)
    result = cli("check", "train.py")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pyproject.toml" in lines[0]


# ---- the keys ---------------------------------------------------------------------


def test_select(cli, project):
    pyproject(project, 'select = ["WL002", "WL003"]\n')
    assert reported_codes(cli("check", ".").stdout) == ["WL002", "WL003"]


def test_select_prefix(cli, project):
    pyproject(project, 'select = ["WL00"]\n')
    assert reported_codes(cli("check", ".").stdout) == ["WL001", "WL002", "WL003"]


def test_ignore(cli, project):
    pyproject(project, 'ignore = ["WL001", "WL003"]\n')
    assert reported_codes(cli("check", ".").stdout) == ["WL002"]


def test_exclude(cli, project):
    write(project, "generated/model_train.py", HIGH_SGD)
    write(project, "old/legacy.py", HIGH_SGD)
    pyproject(project, 'exclude = ["generated", "old/*.py", "wl002.py"]\n')
    result = cli("check", ".")
    assert paths(result.stdout) == ["wl001.py", "wl003.py"]


def test_per_file_ignores(cli, project):
    write(project, "scripts/train.py", HIGH_SGD)
    pyproject(project, '[tool.warmlint.per-file-ignores]\n"scripts/*.py" = ["WL001"]\n"wl00[23].py" = ["WL00"]\n')
    result = cli("check", ".")
    assert [(m["path"], m["code"]) for m in text_lines(result.stdout)] == [("wl001.py", "WL001")]


def test_per_file_ignores_match_relative_to_the_config_folder(cli, project):
    write(project, "scripts/train.py", HIGH_SGD)
    pyproject(project, '[tool.warmlint.per-file-ignores]\n"scripts/train.py" = ["WL001"]\n')
    assert cli("check", "scripts/train.py").exit_code == 0
    # ... also when checked from inside the folder.
    result = cli("check", str(project / "scripts" / "train.py"))
    assert result.exit_code == 0


def test_per_file_ignores_applies_to_stdin_filename(cli, project):
    pyproject(project, '[tool.warmlint.per-file-ignores]\n"scripts/*.py" = ["WL001"]\n')
    ignored = cli("check", "-", "--stdin-filename", "scripts/x.py", input=HIGH_SGD.encode())
    assert ignored.exit_code == 0
    reported = cli("check", "-", "--stdin-filename", "x.py", input=HIGH_SGD.encode())
    assert reported.exit_code == 1


def test_raising_a_threshold_silences(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)  # lr=0.1
    assert cli("check", "train.py").exit_code == 1
    pyproject(in_tmp, "[tool.warmlint.thresholds]\nsgd-high = 0.5\n")
    result = cli("check", "train.py")
    assert result.exit_code == 0, result.stdout


def test_lowering_a_threshold_fires(cli, in_tmp):
    write(in_tmp, "train.py", LOW_SGD)  # lr=0.01
    assert cli("check", "train.py").exit_code == 0
    pyproject(in_tmp, "thresholds = { sgd-high = 0.01 }\n")
    result = cli("check", "train.py")
    assert reported_codes(result.stdout) == ["WL001"]
    assert "0.01" in result.stdout  # the hint names the configured threshold


def test_adam_thresholds(cli, in_tmp):
    # With scale evidence (a large pretrained backbone) the limit is `adam-high`.
    write(
        in_tmp,
        "train.py",
        with_training_loop(
            "import torch, timm\nm = timm.create_model('resnet50', pretrained=True)\n"
            "opt = torch.optim.Adam(m.parameters(), lr=5e-4)\n"
        ),
    )
    assert cli("check", "train.py").exit_code == 0
    pyproject(in_tmp, "thresholds = { adam-high = 1e-4 }\n")
    assert cli("check", "train.py").exit_code == 1


def test_adam_transformer_threshold_is_configurable(cli, in_tmp):
    write(
        in_tmp,
        "train.py",
        with_training_loop(
            "import torch\nblock = torch.nn.TransformerEncoderLayer(32, 4)\n"
            "opt = torch.optim.Adam(block.parameters(), lr=5e-5)\n"
        ),
    )
    assert cli("check", "train.py").exit_code == 0
    pyproject(in_tmp, "thresholds = { adam-transformer-high = 1e-5 }\n")
    assert cli("check", "train.py").exit_code == 1


def test_adam_any_model_threshold(cli, in_tmp):
    # No scale evidence: only `adam-any-model-high` (default 0.05) counts.
    write(in_tmp, "train.py", with_training_loop("import torch\nopt = torch.optim.Adam(m.parameters(), lr=0.01)\n"))
    assert cli("check", "train.py").exit_code == 0
    pyproject(in_tmp, "thresholds = { adam-high = 1e-4 }\n")  # not the limit for a model of unknown scale
    assert cli("check", "train.py").exit_code == 0
    pyproject(in_tmp, "thresholds = { adam-any-model-high = 0.005 }\n")
    result = cli("check", "train.py")
    assert reported_codes(result.stdout) == ["WL001"]
    assert "adam-any-model-high" in result.stdout  # the hint names the key that chose the limit
    write(in_tmp, "train.py", with_training_loop("import torch\nopt = torch.optim.Adam(m.parameters(), lr=0.05)\n"))
    pyproject(in_tmp, "")
    assert reported_codes(cli("check", "train.py").stdout) == ["WL001"]


def test_adam_any_model_high_default():
    assert DEFAULT_THRESHOLDS["adam-any-model-high"] == 0.05


def test_thresholds_accept_integers(in_tmp):
    pyproject(in_tmp, "thresholds = { sgd-high = 1 }\n")
    config = SettingsResolver(all_codes()).config_for(in_tmp)
    assert config.threshold("sgd-high") == 1.0
    assert config.threshold("adam-high") == DEFAULT_THRESHOLDS["adam-high"]


def test_fix_table(in_tmp):
    pyproject(
        in_tmp, '[tool.warmlint.fix]\nwarmup-steps = 500\ndecay = "linear"\nmin-lr-ratio = 0.1\ntotal-steps = 10000\n'
    )
    config = SettingsResolver(all_codes()).config_for(in_tmp)
    assert config.fix_option("warmup-steps") == 500
    assert config.fix_option("decay") == "linear"
    assert config.fix_option("min-lr-ratio") == 0.1
    assert config.fix_option("total-steps") == 10000


def test_fix_table_defaults(in_tmp):
    pyproject(in_tmp, '[tool.warmlint.fix]\ndecay = "step"\n')
    config = SettingsResolver(all_codes()).config_for(in_tmp)
    assert config.fix_option("warmup-steps") == "auto"
    assert config.fix_option("min-lr-ratio") == 0.0
    assert config.fix_option("total-steps") is None


# ---- the command line wins ------------------------------------------------------------


def test_cli_select_overrides_config_select(cli, project):
    pyproject(project, 'select = ["WL002"]\n')
    assert reported_codes(cli("check", "--select", "WL001", ".").stdout) == ["WL001"]


def test_cli_ignore_overrides_config_ignore(cli, project):
    pyproject(project, 'ignore = ["WL001", "WL002"]\n')
    assert reported_codes(cli("check", ".").stdout) == ["WL003"]
    assert reported_codes(cli("check", "--ignore", "WL003", ".").stdout) == ["WL001", "WL002"]


def test_cli_select_keeps_config_thresholds(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    pyproject(in_tmp, "thresholds = { sgd-high = 0.5 }\n")
    assert cli("check", "--select", "WL001", "train.py").exit_code == 0


# ---- validation --------------------------------------------------------------------------

BAD_CONFIGS = [
    # (table body, words the one-line message must contain)
    ('selct = ["WL001"]\n', ["selct", "select", "ignore", "exclude", "per-file-ignores", "thresholds", "fix"]),
    ('select = ["WL999"]\n', ["WL999", *all_codes()]),
    ('ignore = ["XX1"]\n', ["XX1", *all_codes()]),
    ('select = "WL001"\n', ["select"]),
    ('exclude = "build"\n', ["exclude"]),
    ('per-file-ignores = { "a.py" = ["WL998"] }\n', ["WL998", *all_codes()]),
    ("per-file-ignores = 3\n", ["per-file-ignores"]),
    ('thresholds = { sgd-high = "0.1" }\n', ["sgd-high"]),
    ("thresholds = { sgd-high = -0.1 }\n", ["sgd-high"]),
    ("thresholds = { sgd-high = 0 }\n", ["sgd-high"]),
    ("thresholds = { sgd-high = true }\n", ["sgd-high"]),
    ("thresholds = { sgd-hihg = 0.1 }\n", ["sgd-hihg", *DEFAULT_THRESHOLDS]),
    ("thresholds = 0.1\n", ["thresholds"]),
    ("fix = { warmup-steps = 0 }\n", ["warmup-steps"]),
    ("fix = { warmup-steps = -5 }\n", ["warmup-steps"]),
    ('fix = { warmup-steps = "many" }\n', ["warmup-steps"]),
    ("fix = { warmup-steps = 1.5 }\n", ["warmup-steps"]),
    ('fix = { decay = "exponential" }\n', ["decay", "cosine", "linear", "step"]),
    ("fix = { min-lr-ratio = 1.0 }\n", ["min-lr-ratio"]),
    ("fix = { min-lr-ratio = -0.1 }\n", ["min-lr-ratio"]),
    ('fix = { min-lr-ratio = "0.1" }\n', ["min-lr-ratio"]),
    ("fix = { total-steps = 0 }\n", ["total-steps"]),
    ('fix = { total-steps = "1000" }\n', ["total-steps"]),
    ("fix = { warmup = 10 }\n", ["warmup", *DEFAULT_FIX]),
]


@pytest.mark.parametrize(("body", "words"), BAD_CONFIGS, ids=[b.strip() for b, _ in BAD_CONFIGS])
def test_bad_configuration_is_a_one_line_error(cli, in_tmp, body, words):
    write(in_tmp, "train.py", HIGH_SGD)
    pyproject(in_tmp, body)
    result = cli("check", "train.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "pyproject.toml" in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in result.stderr


def test_valid_values_at_the_edges(cli, in_tmp):
    write(in_tmp, "train.py", LOW_SGD)
    pyproject(
        in_tmp,
        'select = ["ALL"]\nignore = []\nexclude = []\n'
        '[tool.warmlint.fix]\nwarmup-steps = "auto"\nmin-lr-ratio = 0\ntotal-steps = 1\n',
    )
    assert cli("check", "train.py").exit_code == 0


@pytest.mark.parametrize("decay", ["cosine", "linear", "step"])
def test_wl001_hint_names_the_decay_the_fix_would_insert(decay):
    config = Config(fix=tuple({**DEFAULT_FIX, "decay": Decay(decay)}.items()))
    (found,) = check_source(HIGH_SGD, "train.py", config).diagnostics
    assert found.code == "WL001" and f"linear warmup then {decay} decay" in found.hint
