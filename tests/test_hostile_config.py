"""Configuration and cache written to hurt: each ends in a one-line error or is ignored safely,
quickly, and a cache entry planted for a file never hides a finding once the file changes."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import HIGH_SGD, LOW_SGD, reported_codes, write


def one_line_error(result, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def project(in_tmp):
    write(in_tmp, "project/train.py", HIGH_SGD)
    os.chdir(in_tmp / "project")
    return in_tmp / "project"


# -- `extend` ------------------------------------------------------------------------------------


def test_extend_outside_the_project_is_followed_when_it_is_a_config_file(cli, project):
    write(project.parent, "shared/warmlint.toml", 'ignore = ["WL001"]\n')
    write(project, "warmlint.toml", 'extend = "../shared/warmlint.toml"\n')
    assert cli("check", "train.py").exit_code == 0  # the shared file's ignore applies


@pytest.mark.parametrize("target", ["/etc/passwd", "~/.ssh/id_rsa", "/dev/zero"])
def test_extend_at_a_file_that_is_no_config_file_is_refused_unread(cli, project, target):
    write(project, "warmlint.toml", f'extend = "{target}"\n')
    one_line_error(cli("check", "train.py"), "warmlint.toml", "extend")


def test_extend_at_a_folder_is_a_one_line_error(cli, project):
    (project / "configs").mkdir()
    write(project, "warmlint.toml", 'extend = "configs"\n')
    one_line_error(cli("check", "train.py"), "warmlint.toml", "is a folder")


def test_extend_at_itself_is_a_one_line_error(cli, project):
    write(project, "pyproject.toml", '[tool.warmlint]\nextend = "./pyproject.toml"\n')
    one_line_error(cli("check", "train.py"), "pyproject.toml", "same file")


def test_extend_cycle_through_three_files_is_a_one_line_error(cli, project):
    write(project, "warmlint.toml", 'extend = "a.toml"\n')
    write(project, "a.toml", 'extend = "sub/b.toml"\n')
    write(project, "sub/b.toml", 'extend = "../warmlint.toml"\n')
    one_line_error(cli("check", "train.py"), "circle", "a.toml", "b.toml")


def test_a_chain_deeper_than_the_bound_is_refused_without_recursing(cli, project):
    for index in range(200):
        write(project, f"c{index}.toml", f'extend = "c{index + 1}.toml"\n')
    write(project, "c200.toml", "")
    write(project, "warmlint.toml", 'extend = "c0.toml"\n')
    one_line_error(cli("check", "train.py"), "warmlint.toml", "deep")


def test_a_huge_config_file_is_refused_before_it_is_read(cli, project):
    with open(project / "warmlint.toml", "wb") as handle:
        handle.write(b"# padding\n" * (300 * 1024))  # 3 MB of comments
    one_line_error(cli("check", "train.py"), "warmlint.toml", "over")


# -- the cache -----------------------------------------------------------------------------------


def test_a_cache_dir_that_is_a_file_is_ignored(cli, project):
    (project / ".warmlint_cache").write_text("not a folder")
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]
    assert (project / ".warmlint_cache").read_text() == "not a folder"


def test_a_cache_dir_flag_naming_a_file_is_an_error(cli, project):
    (project / "cache-file").write_text("not a folder")
    result = cli("check", "--cache-dir", "cache-file", "train.py")
    assert result.exit_code == 2 and "'--cache-dir': Directory 'cache-file' is a file" in result.stderr
    assert (project / "cache-file").read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_dir_is_ignored(cli, project):
    folder = project / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = cli("check", "--cache-dir", "ro", "train.py")
        assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_cache_file_that_cannot_be_written_is_ignored(cli, project):
    """Root gets past permissions; a cache path that is a folder stops everyone."""
    assert cli("check", "train.py").exit_code == 1
    [cache_file] = (project / ".warmlint_cache").glob("*.json")
    cache_file.unlink()
    cache_file.mkdir()
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]


def cache_file_of(project):
    [path] = (project / ".warmlint_cache").glob("*.json")
    return path


def test_a_planted_entry_cannot_hide_a_finding_in_a_changed_file(cli, project):
    write(project, "train.py", LOW_SGD)  # clean
    assert cli("check", "train.py").exit_code == 0
    path = cache_file_of(project)
    planted = path.read_bytes()  # a sealed entry that says "clean" for train.py
    write(project, "train.py", HIGH_SGD)  # now has WL001
    path.write_bytes(planted)
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]


def test_an_entry_edited_by_hand_is_not_believed(cli, project):
    assert cli("check", "train.py").exit_code == 1
    path = cache_file_of(project)
    entries = json.loads(path.read_text())
    for entry in entries.values():
        entry["diagnostics"] = []  # right key, right content hash, wrong result
    path.write_text(json.dumps(entries))
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]


def test_an_entry_for_another_file_is_not_used(cli, project):
    write(project, "other.py", HIGH_SGD)
    assert cli("check", "train.py", "other.py").exit_code == 1
    path = cache_file_of(project)
    entries = json.loads(path.read_text())
    train, other = sorted(entries, key=lambda key: "other" in key)
    entries[train] = entries[other]  # same bytes, so the same hash: only the path differs
    path.write_text(json.dumps(entries))
    result = cli("check", "train.py")
    lines = [line for line in result.stdout.splitlines() if "WL001" in line]
    assert len(lines) == 1 and lines[0].startswith("train.py:")


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff garbage", b"[1, 2, 3]", b'{"x": ' * 100_000, b'{"k": {"hash": 1, "diagnostics": "no"}}'],
    ids=["binary", "a-list", "nested-deep", "wrong-types"],
)
def test_a_corrupt_cache_file_is_ignored(cli, project, content):
    assert cli("check", "train.py").exit_code == 1
    cache_file_of(project).write_bytes(content)
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]


def test_a_huge_cache_file_is_not_read(cli, project, monkeypatch):
    import warmlint.files.cache as cache

    assert cli("check", "train.py").exit_code == 1
    path = cache_file_of(project)
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", 16)
    reads = []
    real = type(path).read_text
    monkeypatch.setattr(type(path), "read_text", lambda self, *a, **k: reads.append(self) or real(self, *a, **k))
    result = cli("check", "train.py")
    assert result.exit_code == 1 and reported_codes(result.stdout) == ["WL001"]
    assert path not in reads
