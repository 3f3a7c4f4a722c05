"""One version everywhere: `warmlint --version`, SARIF, the changelog, the README's pre-commit
`rev` and its CI install name the same release, tagged `v<version>`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib

import pytest
from conftest import HIGH_SGD, REPO, write

from warmlint import __version__
from warmlint.output.links import REPOSITORY, repository

README = (REPO / "README.md").read_text(encoding="utf-8")
CHANGELOG = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
TAG = f"v{__version__}"


def test_version_flag_names_the_package_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"warmlint, version {__version__}\n"


def test_sarif_names_the_same_version(cli, in_tmp):
    write(in_tmp, "train.py", HIGH_SGD)
    driver = json.loads(cli("check", "--output-format", "sarif", "train.py").stdout)["runs"][0]["tool"]["driver"]
    assert driver["version"] == __version__
    assert driver["informationUri"] == REPOSITORY
    assert all(rule["helpUri"].startswith(f"{REPOSITORY}/blob/{TAG}/rules/WL") for rule in driver["rules"])


def test_one_home_everywhere():
    """pyproject's [project.urls], what warmlint.output.links reads (the SARIF log, the editor's rule links)
    and the README's install and pre-commit lines name the same repository."""
    urls = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Repository"] == urls["Homepage"] == REPOSITORY == repository()
    assert urls["Documentation"].startswith(REPOSITORY)
    assert "your-org" not in README
    homes = set(re.findall(r"https://github\.com/[\w.-]+/warmlint", README))
    assert homes == {REPOSITORY}


def test_the_newest_changelog_entry_is_this_version():
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", CHANGELOG, re.M)
    assert versions and versions[0] == __version__
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)


def test_the_changelog_speaks_of_the_tool_only():
    assert not re.search(r"\b(agent|session|issue \d+|helper|TODO)\b", CHANGELOG, re.I)


def test_the_readme_pins_the_release_tag():
    revs = re.findall(r"^\s*rev: (\S+)", README, re.M)
    assert revs == [TAG]
    installs = re.findall(r"git\+\S+@([\w.]+)", README)
    assert installs and set(installs) == {TAG}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_release_tag_holds_its_version():
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=REPO, capture_output=True, text=True).stdout.split()
    for tag in tags:
        source = subprocess.run(
            ["git", "show", f"{tag}:warmlint/__init__.py"], cwd=REPO, capture_output=True, text=True
        ).stdout
        assert f'__version__ = "{tag[1:]}"' in source, tag
