"""The pre-commit hooks in .pre-commit-hooks.yaml, installed and run the way pre-commit users get them.

pre-commit installs a hook repository from a git commit, and `try-repo` on a working tree
with changes only carries the tracked files, so the project (tracked and untracked,
non-ignored files) is copied into a fresh repository and committed there first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[dev]')")
pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.slow,
]  # each test runs pre-commit, and through it warmlint, in subprocesses

BAD = """\
import torch

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(10):
    for x, y in train_loader:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
"""
CLEAN = BAD.replace("lr=0.1", "lr=0.01")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


def init_repository(folder: Path) -> None:
    git("init", "-q", cwd=folder)
    git("config", "user.name", "warmlint tests", cwd=folder)
    git("config", "user.email", "tests@warmlint.invalid", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "snapshot", cwd=folder)


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory) -> Path:
    """A committed copy of the project as it is on disk."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    copy = tmp_path_factory.mktemp("hook-repository")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is still listed
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    init_repository(copy)
    return copy


@pytest.fixture(scope="session")
def run_hook(hook_repository, tmp_path_factory):
    """Run a hook of the copied project on one script in a fresh user repository."""
    # One pre-commit home per module, so the hook's virtualenv is built once for all tests.
    home = tmp_path_factory.mktemp("pre-commit-home")

    def run(hook: str, script: str, name: str = "train.py") -> tuple[subprocess.CompletedProcess, Path]:
        project = tmp_path_factory.mktemp("user-repository")
        (project / name).write_text(script, encoding="utf-8")
        init_repository(project)
        environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(hook_repository),
                hook,
                "--files",
                name,
                "--color",
                "never",
            ],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return result, project / name

    return run


def test_hook_fails_on_a_high_lr_without_schedule(run_hook):
    result, _ = run_hook("warmlint", BAD)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "WL001" in result.stdout
    assert "Failed" in result.stdout


def test_hook_passes_on_a_clean_script(run_hook):
    result, _ = run_hook("warmlint", CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_fix_hook_writes_the_schedule(run_hook):
    result, script = run_hook("warmlint-fix", (FIXTURES / "wl001_literal_sgd" / "train.py").read_text(encoding="utf-8"))
    # pre-commit fails a hook that modified files, so the fix can be reviewed before committing.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert "LambdaLR" in script.read_text(encoding="utf-8")


RECIPE = "learning_rate: 2.0e-5\nlr_scheduler_type: constant  # flat\nwarmup_ratio: 0.1\n"


def test_hooks_check_and_fix_a_yaml_training_config(run_hook):
    """The hooks take YAML files and install ruamel.yaml to read them."""
    result, _ = run_hook("warmlint", RECIPE, name="recipe.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "recipe.yaml:2:1: WL014" in result.stdout
    result, recipe = run_hook("warmlint-fix", RECIPE, name="recipe.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert recipe.read_text(encoding="utf-8") == RECIPE.replace("constant", "cosine")


def readme_config(repository: Path) -> str:
    """The README's `.pre-commit-config.yaml`, pointed at `repository` and its commit."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", readme, re.S)
    assert snippet, "README.md has no pre-commit configuration"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, check=True, capture_output=True, text=True)
    config = re.sub(r"(- repo: )\S+", rf"\g<1>{repository}", snippet.group(1), count=1)
    return re.sub(r"(rev: )\S+", rf"\g<1>{head.stdout.strip()}", config, count=1)


def test_the_readme_configuration_runs_the_hook(hook_repository, tmp_path):
    project = tmp_path / "user-repository"
    project.mkdir()
    (project / "train.py").write_text(BAD, encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text(readme_config(hook_repository), encoding="utf-8")
    init_repository(project)
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "WL001" in result.stdout and "Failed" in result.stdout
