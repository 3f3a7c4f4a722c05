"""File discovery: .gitignore, .ignore and .git/info/exclude, extend-exclude, and what a named
path that is excluded says."""

from __future__ import annotations

import pytest
from conftest import HIGH_SGD, text_lines, write


def checked(output: str) -> list[str]:
    return sorted({m["path"] for m in text_lines(output)})


@pytest.fixture
def repository(in_tmp):
    (in_tmp / ".git" / "info").mkdir(parents=True)
    for name in ("train.py", "ignored.py", "local.py", "also.py", "build_out/gen.py", "sub/keep.py", "sub/drop.py"):
        write(in_tmp, name, HIGH_SGD)
    write(in_tmp, ".gitignore", "ignored.py\nbuild_out/\nsub/*.py\n!sub/keep.py\n")
    write(in_tmp, ".git/info/exclude", "local.py\n")
    write(in_tmp, ".ignore", "also.py\n")
    return in_tmp


def test_ignored_files_are_skipped(cli, repository):
    result = cli("check", ".")
    assert checked(result.stdout) == ["sub/keep.py", "train.py"]


def test_no_respect_gitignore_checks_them(cli, repository):
    result = cli("check", "--no-respect-gitignore", ".")
    assert checked(result.stdout) == [
        "also.py",
        "build_out/gen.py",
        "ignored.py",
        "local.py",
        "sub/drop.py",
        "sub/keep.py",
        "train.py",
    ]


def test_respect_gitignore_false_in_the_config(cli, repository):
    write(repository, "warmlint.toml", "respect-gitignore = false\n")
    assert "ignored.py" in checked(cli("check", ".").stdout)


def test_a_nested_gitignore_applies_below_its_folder(cli, repository):
    write(repository, "deep/.gitignore", "skip_*.py\n")
    write(repository, "deep/skip_me.py", HIGH_SGD)
    write(repository, "deep/check_me.py", HIGH_SGD)
    assert checked(cli("check", "deep").stdout) == ["deep/check_me.py"]


def test_ignore_files_above_a_named_folder_count_inside_the_repository(cli, repository):
    assert checked(cli("check", "sub").stdout) == ["sub/keep.py"]


def test_a_named_file_is_checked_even_when_ignored(cli, repository):
    assert checked(cli("check", "ignored.py").stdout) == ["ignored.py"]


def test_a_named_folder_is_checked_even_when_ignored(cli, repository):
    assert checked(cli("check", "build_out").stdout) == ["build_out/gen.py"]


def test_force_exclude_skips_a_named_ignored_file_and_says_why(cli, repository):
    result = cli("check", "--force-exclude", "ignored.py", "train.py")
    assert checked(result.stdout) == ["train.py"]
    assert "ignored.py is not checked: ignored by .gitignore" in result.stderr
    alone = cli("check", "--force-exclude", "ignored.py")
    assert alone.exit_code == 0
    assert "no Python files found" not in alone.stderr and "ignored by .gitignore" in alone.stderr


def test_force_exclude_names_the_exclude_pattern_and_its_file(cli, in_tmp):
    write(in_tmp, "generated/train.py", HIGH_SGD)
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nextend-exclude = ["generated"]\n')
    result = cli("check", "--force-exclude", "generated/train.py")
    assert "exclude pattern 'generated' (pyproject.toml)" in result.stderr


def test_extend_exclude_adds_to_exclude(cli, in_tmp):
    for name in ("a.py", "b.py", "c.py"):
        write(in_tmp, name, HIGH_SGD)
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nexclude = ["a.py"]\nextend-exclude = ["b.py"]\n')
    assert checked(cli("check", ".").stdout) == ["c.py"]
    assert checked(cli("check", "--extend-exclude", "c.py", ".").stdout) == []


def test_a_folder_whose_files_are_all_excluded_says_so(cli, repository):
    result = cli("check", "build_out/..", "--select", "WL001", "--extend-exclude", "*.py")
    assert "left out by excludes or ignore files" in result.stderr


def test_gitignore_outside_a_repository_applies_below_the_named_folder_only(cli, in_tmp):
    write(in_tmp, ".gitignore", "*.py\n")  # not a repository: this is not the project's
    write(in_tmp, "project/train.py", HIGH_SGD)
    assert checked(cli("check", "project").stdout) == ["project/train.py"]
