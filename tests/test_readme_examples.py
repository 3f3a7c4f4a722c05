"""Every shell example of README.md and of the pages in docs/, run in a fresh copy of the project
in a fresh virtualenv, prints what the page says it prints.

The copy holds the tracked and untracked, non-ignored files (what a clone of the working tree
has); the virtualenv gets only what the README's set-up command installs, and the examples run
after it in page order (the README first, then docs/ by name). Two README blocks are not run:
the test command (lint and the whole test suite), which is what CI runs around this test, and the
one-line `pip install .` for users, which the set-up command already does (editable).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from readme_examples import Example, examples, matches, python_programs

pytestmark = [
    pytest.mark.slow,  # a virtualenv, torch and every example's verify runs
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
TRY = "/tmp/try"  # the README's scratch copy; each run uses its own folder in its place
PROGRESS = re.compile(r"warmlint verify: step \d+/\d+ ")
SETUP_COMMAND = "pip install torch==2.13.0 && pip install -e '.[verify,plot]' && warmlint check fixtures/"
USER_INSTALL = re.compile(r"^pip install \.(\s|$)")


def fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True, capture_output=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


BLOCKS = examples(README)
SETUP_BLOCK = next(block for block in BLOCKS if [e.command for e in block] == [SETUP_COMMAND])
TEST_BLOCK = next(block for block in BLOCKS if "CI=1 python -m pytest" in block[0].command)
NOT_RUN = [SETUP_BLOCK, TEST_BLOCK, *(b for b in BLOCKS if len(b) == 1 and USER_INSTALL.match(b[0].command))]


def _page_name(page: Path) -> str:
    return str(page.relative_to(REPO))


@pytest.fixture(scope="session")
def readme_run(tmp_path_factory) -> dict:
    """Set up as the README's set-up command does, then run every other example in page order.

    Returns one message per example whose output is not what the README shows (or, for a command
    listed without output, that failed), and the set-up's exit status and output first.
    """
    project = fresh_copy(tmp_path_factory.mktemp("clone"))
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    scratch = tmp_path_factory.mktemp("scratch") / "try"
    environment = {
        key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "FORCE_COLOR")
    }
    environment.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{environment['PATH']}",
        VIRTUAL_ENV=str(venv),
        NO_COLOR="1",
        WARMLINT_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )

    def run(example: Example) -> tuple[int, list[str]]:
        command = example.command.replace(TRY, str(scratch))
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=project,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )
        printed = done.stdout.replace(str(scratch), TRY).replace(str(project) + "/", "")
        # verify's progress lines (stderr, one every few seconds off a terminal) depend on the
        # machine's speed; the README describes them in prose and its examples leave them out.
        return done.returncode, [line.rstrip() for line in printed.splitlines() if not PROGRESS.match(line)]

    (install_and_run,) = SETUP_BLOCK
    results = [run(install_and_run)]
    failures = []
    for page in PAGES:
        name = _page_name(page)
        for block in examples(page):
            if page == README and block in NOT_RUN:
                continue
            for example in block:
                status, printed = run(example)
                shown = "\n".join(printed)
                if example.shows_output and not matches(example.expected, printed):
                    failures.append(f"{name}:{example.line}: `{example.command}` printed (exit {status}):\n{shown}")
                elif not example.shows_output and status != 0:
                    failures.append(f"{name}:{example.line}: `{example.command}` failed (exit {status}):\n{shown}")
        for program in python_programs(page):
            status, printed = run(Example(program.line, f"python -c {shlex.quote(program.command)}", (), False))
            if status != 0:
                failures.append(
                    f"{name}:{program.line}: the Python example failed (exit {status}):\n" + "\n".join(printed)
                )
    return {"setup": results[0], "failures": failures}


def test_the_first_command_installs_warmlint_and_checks_the_fixtures(readme_run):
    status, printed = readme_run["setup"]
    # The bundled fixtures hold the pitfalls, so check finds them: exit 1, a summary, no error.
    assert status == 1, "\n".join(printed[-20:])
    assert printed[-1].startswith("Found "), printed[-5:]
    assert not [line for line in printed if "Traceback" in line or line.startswith("ERROR")]


def test_the_test_block_is_the_ci_command():
    ci_script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    full_suite = TEST_BLOCK[0].command
    for step in full_suite.split(" && ")[2:]:  # after the two installs: lint, types, the suite
        assert step in ci_script, step


def test_every_later_example_prints_what_the_readme_shows(readme_run):
    assert not readme_run["failures"], "\n\n".join(readme_run["failures"])
