"""Per-file configuration: the nearest config file above each file, `extend`, flags above every
file, `--config`, `--show-settings`, and the cache in the project root."""

from __future__ import annotations

import pytest
from conftest import HIGH_SGD, WL002_SOURCE, reported_codes, text_lines, write

from warmlint.config import ConfigError
from warmlint.files.settings import SettingsResolver
from warmlint.rule_index import all_codes


def findings(output: str) -> list[tuple[str, str]]:
    return sorted((m["path"], m["code"]) for m in text_lines(output))


@pytest.fixture
def two_folders(in_tmp):
    """a/ has no config of its own; b/pyproject.toml ignores WL001."""
    write(in_tmp, "a/train.py", HIGH_SGD)
    write(in_tmp, "b/train.py", HIGH_SGD)
    write(in_tmp, "b/pyproject.toml", '[tool.warmlint]\nignore = ["WL001"]\n')
    return in_tmp


def test_results_do_not_depend_on_the_order_of_paths(cli, two_folders):
    forward = cli("check", "a", "b")
    backward = cli("check", "b", "a")
    assert findings(forward.stdout) == findings(backward.stdout) == [("a/train.py", "WL001")]
    assert forward.exit_code == backward.exit_code == 1


def test_files_named_one_by_one_use_their_own_folder_config(cli, two_folders):
    assert findings(cli("check", "b/train.py", "a/train.py").stdout) == [("a/train.py", "WL001")]


def test_checking_the_parent_folder_honours_a_nested_config(cli, two_folders):
    assert findings(cli("check", ".").stdout) == [("a/train.py", "WL001")]


def test_nearest_file_wins_and_nothing_is_merged_implicitly(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nignore = ["WL002"]\n')
    write(in_tmp, "sub/warmlint.toml", 'select = ["WL002"]\n')  # top-level keys, no [tool.warmlint]
    write(in_tmp, "sub/train.py", WL002_SOURCE)
    assert reported_codes(cli("check", "sub").stdout) == ["WL002"]
    assert reported_codes(cli("check", "sub/train.py").stdout) == ["WL002"]


def test_in_one_folder_dot_warmlint_toml_wins_then_warmlint_toml_then_pyproject(in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nselect = ["WL001"]\n')
    resolver = SettingsResolver(all_codes())
    assert resolver.for_folder(in_tmp).source == in_tmp / "pyproject.toml"
    write(in_tmp, "warmlint.toml", 'select = ["WL002"]\n')
    assert SettingsResolver(all_codes()).for_folder(in_tmp).config.select == ("WL002",)
    write(in_tmp, ".warmlint.toml", 'select = ["WL003"]\n')
    assert SettingsResolver(all_codes()).for_folder(in_tmp).config.select == ("WL003",)


def test_extend_inherits_and_overrides(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nignore = ["WL002"]\nthresholds = { sgd-high = 0.5 }\n')
    write(in_tmp, "sub/pyproject.toml", '[tool.warmlint]\nextend = "../pyproject.toml"\nextend-ignore = ["WL003"]\n')
    config = SettingsResolver(all_codes()).for_folder(in_tmp / "sub").config
    assert config.ignore == ("WL002", "WL003")
    assert config.threshold("sgd-high") == 0.5
    assert config.root == in_tmp / "sub"


def test_extend_cycle_and_missing_target_are_one_line_errors(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    write(in_tmp, "warmlint.toml", 'extend = "other.toml"\n')
    write(in_tmp, "other.toml", 'extend = "warmlint.toml"\n')
    result = cli("check", "train.py")
    assert result.exit_code == 2 and "circle" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    write(in_tmp, "warmlint.toml", 'extend = "missing.toml"\n')
    result = cli("check", "train.py")
    assert result.exit_code == 2 and "missing.toml" in result.stderr


def test_flags_override_every_level(cli, two_folders):
    write(two_folders, "a/warmlint.toml", 'select = ["WL002"]\n')
    assert findings(cli("check", "--select", "WL001", "a", "b").stdout) == [("a/train.py", "WL001")]
    result = cli("check", "--select", "WL001", "--ignore", "", "a", "b")  # b/ ignores WL001 no longer
    assert findings(result.stdout) == [("a/train.py", "WL001"), ("b/train.py", "WL001")]


def test_config_pins_one_file_for_every_path(cli, two_folders):
    write(two_folders, "pinned.toml", 'select = ["WL002"]\n')
    assert cli("check", "--config", "pinned.toml", "a", "b").exit_code == 0
    write(two_folders, "pinned.toml", "select = []\n")  # selects nothing
    assert cli("check", "--config", "pinned.toml", "a").exit_code == 0


def test_config_without_a_warmlint_table_is_an_error(cli, two_folders):
    write(two_folders, "other/pyproject.toml", '[project]\nname = "x"\n')
    result = cli("check", "--config", "other/pyproject.toml", "a")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "other/pyproject.toml" in lines[0] and "[tool.warmlint]" in lines[0]


def test_select_empty_selects_nothing(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    assert cli("check", "--select", "", "train.py").exit_code == 0
    write(in_tmp, "warmlint.toml", "select = []\n")
    assert cli("check", "train.py").exit_code == 0
    assert cli("check", "--extend-select", "WL001", "train.py").exit_code == 1


def test_show_settings_names_where_each_value_came_from(cli, in_tmp):
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nignore = ["WL002"]\nthresholds = { sgd-high = 0.5 }\n')
    write(in_tmp, "sub/pyproject.toml", '[tool.warmlint]\nextend = "../pyproject.toml"\nextend-ignore = ["WL003"]\n')
    write(in_tmp, "sub/train.py", HIGH_SGD)
    result = cli("check", "--show-settings", "--select", "WL00", "sub/train.py")
    assert result.exit_code == 0
    lines = {line.split(" = ")[0]: line for line in result.stdout.splitlines() if " = " in line}
    assert "config file: sub/pyproject.toml" in result.stdout
    assert lines["select"].endswith('["WL00"]  # --select') or lines["select"].endswith("# --select")
    assert lines["ignore"].split("#")[1].strip() == "pyproject.toml + sub/pyproject.toml"
    assert '["WL002", "WL003"]' in lines["ignore"]
    assert lines["thresholds.sgd-high"].endswith("# pyproject.toml")
    assert lines["thresholds.adam-high"].endswith("# default")
    assert lines["fix.decay"].endswith("# default")


def test_show_files_lists_what_would_be_checked(cli, two_folders):
    write(two_folders, "a/notes.txt", "x")
    result = cli("check", "--show-files", "b", "a")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["a/train.py", "b/train.py"]


def test_stdin_filename_alone_reads_stdin_with_that_files_config(cli, two_folders):
    assert cli("check", "--stdin-filename", "b/new.py", input=HIGH_SGD).exit_code == 0
    result = cli("check", "--stdin-filename", "a/new.py", input=HIGH_SGD)
    assert findings(result.stdout) == [("a/new.py", "WL001")]


def test_cache_lives_in_the_project_root(cli, in_tmp, monkeypatch):
    write(in_tmp, "project/pyproject.toml", "[tool.warmlint]\n")
    write(in_tmp, "project/src/train.py", HIGH_SGD)
    monkeypatch.chdir(in_tmp / "project" / "src")
    assert cli("check", "train.py").exit_code == 1
    assert (in_tmp / "project" / ".warmlint_cache").is_dir()
    assert not (in_tmp / "project" / "src" / ".warmlint_cache").exists()


def test_cache_dir_option_and_environment(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    assert cli("check", "--cache-dir", "elsewhere", "train.py").exit_code == 1
    assert (in_tmp / "elsewhere").is_dir() and not (in_tmp / ".warmlint_cache").exists()
    assert cli("check", "train.py", env={"WARMLINT_CACHE_DIR": str(in_tmp / "from-env")}).exit_code == 1
    assert (in_tmp / "from-env").is_dir()


def test_cache_is_keyed_by_each_files_resolved_config(cli, two_folders):
    assert findings(cli("check", "a", "b").stdout) == [("a/train.py", "WL001")]
    write(two_folders, "b/pyproject.toml", "[tool.warmlint]\n")  # b/ no longer ignores WL001
    assert findings(cli("check", "a", "b").stdout) == [("a/train.py", "WL001"), ("b/train.py", "WL001")]


def test_each_config_file_is_read_once_per_run(in_tmp, monkeypatch):
    write(in_tmp, "pyproject.toml", "[tool.warmlint]\n")
    for name in ("x", "y", "z"):
        write(in_tmp, f"{name}/deep/train.py", HIGH_SGD)
    import warmlint.files.settings as settings

    reads = []
    real = settings.read_table
    monkeypatch.setattr(settings, "read_table", lambda path, codes: reads.append(path) or real(path, codes))
    resolver = SettingsResolver(all_codes())
    for name in ("x", "y", "z"):
        resolver.for_path(in_tmp / name / "deep" / "train.py")
    assert reads == [in_tmp / "pyproject.toml"]


def test_a_bad_nested_config_names_its_file(in_tmp):
    write(in_tmp, "sub/warmlint.toml", 'selct = ["WL001"]\n')
    with pytest.raises(ConfigError, match=r"sub/warmlint.toml: unknown key 'selct'"):
        SettingsResolver(all_codes()).for_folder(in_tmp / "sub")
