"""``verify`` leaves the project's files as they were: writes go to a scratch copy, and what still
changes (a subprocess's write) is named by the ``project-untouched`` check.

The redirection itself is also tested without torch: a plain interpreter installs it and runs
the same kinds of writes, so the fast lane covers it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from warmlint.cli.verify import verify_command
from warmlint.verify import verify
from warmlint.verify.checks import FAIL, INFO, PASS
from warmlint.verify.untouched import Change, compare_snapshots, project_root, take_snapshot

SCRIPTS = Path(__file__).resolve().parent / "verify_scripts"
REPO = Path(__file__).resolve().parent.parent

PROJECT_FILES = {
    "pyproject.toml": b"[project]\nname = 'demo'\n",
    "results.json": b'{"loss": 9.0}',
    "train.log": b"old line\n",
    "config.yaml": b"lr: 0.1\n",
    "metrics.csv": b"step,loss\n",
    "notes.txt": b"keep me\n",
    "data/old_shard.bin": b"\x01" * 64,
    "data/renamed.txt": b"renamed\n",
    "data/config.yaml": b"an older copy\n",
    "ckpt/best.pt": b"an hour-old checkpoint",
    "ckpt/step_10.pt": b"oldest",
    "ckpt/step_20.pt": b"older",
    "ckpt/latest.pt": b"latest",
    "cache/entry.bin": b"cached",
}


def make_project(root: Path, script: str = "writes_project_files.py") -> Path:
    for name, content in PROJECT_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    (root / "empty_dir").mkdir()
    (root / "train.py").write_bytes((SCRIPTS / script).read_bytes())
    return root / "train.py"


def tree(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file's bytes and every folder, with mtimes: what 'as it was' means."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        found[name] = (None if path.is_dir() else path.read_bytes(), path.stat().st_mtime_ns if path.is_file() else 0)
    return found


# -- the redirection, in a plain interpreter (no torch) ---------------------------------------

OVERLAY_RUN = """
import logging, os, pathlib, shutil, sys, tarfile  # imported first, as torch imports them: they hold open()
from warmlint.verify.child.overlay import Overlay
from warmlint.verify.child.sandbox import install
project, scratch = sys.argv[1], sys.argv[2]
install(Overlay(scratch=scratch + "/outputs", roots=(project,), excluded=(scratch,), removed_log=scratch + "/removed"))
os.chdir(project)
exec(sys.stdin.read())
"""


def run_overlaid(project: Path, scratch: Path, code: str) -> subprocess.CompletedProcess[str]:
    (scratch / "outputs").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", OVERLAY_RUN, str(project), str(scratch)]
    return subprocess.run(command, input=textwrap.dedent(code), capture_output=True, text=True, env=env, timeout=60)


def test_every_write_api_lands_in_scratch_and_reads_see_it(tmp_path):
    project = tmp_path / "project"
    make_project(project)
    before = tree(project)
    done = run_overlaid(
        project,
        tmp_path / "scratch",
        """
        with open("train.log", "a") as f:
            f.write("new\\n")
        assert open("train.log").read() == "old line\\nnew\\n"
        pathlib.Path("results.json").write_text("{}")
        assert os.path.getsize("results.json") == 2
        os.remove("ckpt/step_10.pt")
        assert not os.path.exists("ckpt/step_10.pt")
        os.rename("ckpt/step_20.pt", "ckpt/step_20.old")
        assert open("ckpt/step_20.old", "rb").read() == b"older" and not os.path.exists("ckpt/step_20.pt")
        os.replace("ckpt/latest.pt", "ckpt/best.pt")
        assert open("ckpt/best.pt", "rb").read() == b"latest"
        assert sorted(os.listdir("ckpt")) == ["best.pt", "step_20.old"], os.listdir("ckpt")
        import glob
        assert sorted(glob.glob("ckpt/*")) == ["ckpt/best.pt", "ckpt/step_20.old"]
        os.makedirs("runs/a/b")
        pathlib.Path("runs/a/b/x.txt").write_bytes(b"x")
        try:
            open("missing_dir/x.txt", "w")
        except FileNotFoundError:
            pass
        else:
            raise AssertionError("a write into a missing folder must fail as it would")
        shutil.copy("config.yaml", "data")
        assert open("data/config.yaml").read() == "lr: 0.1\\n"
        shutil.move("metrics.csv", "runs/metrics.csv")
        assert not os.path.exists("metrics.csv") and os.path.exists("runs/metrics.csv")
        shutil.rmtree("cache")
        assert not os.path.exists("cache") and not os.path.exists("cache/entry.bin")
        os.mkdir("cache")
        assert os.listdir("cache") == []
        os.rmdir("empty_dir")
        os.chmod("notes.txt", 0o600)
        os.utime("train.log", (0, 0))
        pathlib.Path("touched").touch()
        fd = os.open("via_os_open", os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"raw")
        os.close(fd)
        assert open("via_os_open", "rb").read() == b"raw"
        logging.basicConfig(filename="train.log", level=logging.INFO)
        logging.info("logged")
        with tarfile.open("results.json", "w"):
            pass
        assert "logged" in open("train.log").read()
        """,
    )
    assert done.returncode == 0, done.stderr
    assert tree(project) == before
    written = {
        str(p.relative_to(tmp_path / "scratch" / "outputs" / str(project).lstrip("/")))
        for p in (tmp_path / "scratch" / "outputs").rglob("*")
        if p.is_file()
    }
    assert {"train.log", "results.json", "ckpt/best.pt", "runs/a/b/x.txt", "via_os_open", "touched"} <= written
    assert tarfile.is_tarfile(tmp_path / "scratch" / "outputs" / str(project).lstrip("/") / "results.json")
    removed = {json.loads(line) for line in (tmp_path / "scratch" / "removed").read_text().splitlines()}
    assert {str(project / "ckpt/step_10.pt"), str(project / "cache"), str(project / "metrics.csv")} <= removed


def test_paths_outside_the_project_are_written_as_usual(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    make_project(project)
    outside.mkdir()
    done = run_overlaid(project, tmp_path / "scratch", f"open({str(outside / 'out.txt')!r}, 'w').write('hi')\n")
    assert done.returncode == 0, done.stderr
    assert (outside / "out.txt").read_text() == "hi"


# -- the before/after comparison ----------------------------------------------------------------


def test_snapshot_names_content_changed_behind_a_restored_mtime(tmp_path):
    make_project(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_bytes(b"git's own")
    before = take_snapshot(tmp_path)
    stat = os.stat(tmp_path / "results.json")
    (tmp_path / "results.json").write_bytes(b'{"loss": 1.0}')  # same size
    os.utime(tmp_path / "results.json", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (tmp_path / "ckpt" / "step_10.pt").unlink()
    (tmp_path / "new.txt").write_text("new")
    (tmp_path / ".git" / "index").write_bytes(b"changed, but not the project's")
    changes = compare_snapshots(before, take_snapshot(tmp_path))
    assert dict(changes.changes) == {
        "results.json": Change.CHANGED,
        "ckpt/step_10.pt": Change.REMOVED,
        "new.txt": Change.ADDED,
    }


def test_snapshot_stops_at_its_bound_and_says_so(tmp_path):
    for index in range(30):
        (tmp_path / f"f{index:02}.txt").write_text("x")
    changes = compare_snapshots(take_snapshot(tmp_path, max_files=10), take_snapshot(tmp_path, max_files=10))
    assert changes.truncated and changes.compared == 10 and not changes.changes


def test_project_root_is_the_nearest_marked_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "scripts").mkdir()
    assert project_root(tmp_path / "scripts" / "train.py") == tmp_path.resolve()


def test_keep_outputs_cannot_go_with_allow_writes(tmp_path):
    script = make_project(tmp_path)
    result = CliRunner().invoke(verify_command, [str(script), "--allow-writes", "--keep-outputs", str(tmp_path / "k")])
    assert result.exit_code == 2
    assert "--keep-outputs cannot go with --allow-writes" in result.output


# -- real runs under verify ----------------------------------------------------------------------

torch_needed = pytest.mark.skipif(
    __import__("importlib").util.find_spec("torch") is None, reason="verify runs need torch"
)


@pytest.mark.slow
@torch_needed
def test_verify_leaves_the_project_byte_identical(tmp_path):
    script = make_project(tmp_path / "project")
    before = tree(tmp_path / "project")
    result = verify(script, steps=50, device="cpu")
    assert [check.name for check in result.failed_checks] == [], result.checks
    assert tree(tmp_path / "project") == before
    untouched = [check for check in result.checks if check.name == "project-untouched"]
    assert len(untouched) == 1 and untouched[0].status == PASS
    project = str((tmp_path / "project").resolve())
    outputs = result.files.outputs
    assert {f"{project}/{name}" for name in ("results.json", "train.log", "ckpt/best.pt", "runs/metrics.csv")} <= set(
        outputs.written
    )
    assert {f"{project}/{name}" for name in ("ckpt/step_10.pt", "cache", "metrics.csv")} <= set(outputs.removed)


@pytest.mark.slow
@torch_needed
def test_a_subprocess_write_is_named_and_outputs_are_kept(tmp_path):
    script = make_project(tmp_path / "project")
    before = tree(tmp_path / "project")
    kept = tmp_path / "kept"
    command = [str(script), "--device", "cpu", "--format", "json", "--keep-outputs", str(kept), "--", "--subprocess"]
    result = CliRunner().invoke(verify_command, command)
    report = json.loads(result.output)
    assert result.exit_code == 1, report
    after = tree(tmp_path / "project")
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == ["notes.txt"]  # the one write no in-process redirection can see
    [untouched] = [check for check in report["checks"] if check["name"] == "project-untouched"]
    assert untouched["status"] == FAIL and "notes.txt (changed)" in untouched["message"]
    assert [check["name"] for check in report["checks"] if check["status"] == FAIL] == ["project-untouched"]
    assert json.loads((kept / "results.json").read_text()) == {"loss": 0.5}
    assert (kept / "train.log").read_text().startswith("old line\nstep 0\n")
    assert report["files"]["kept_in"] == str(kept)


@pytest.mark.slow
@torch_needed
def test_allow_writes_writes_into_the_project_and_says_so(tmp_path):
    script = make_project(tmp_path / "project")
    result = CliRunner().invoke(verify_command, [str(script), "--device", "cpu", "--allow-writes", "--quiet"])
    assert "--allow-writes: the script's writes were not redirected" in result.output
    assert json.loads((tmp_path / "project" / "results.json").read_text()) == {"loss": 0.5}
    assert not (tmp_path / "project" / "ckpt" / "step_10.pt").exists()
    line = next(line for line in result.output.splitlines() if "project-untouched" in line)
    assert INFO.upper() in line and "results.json (changed)" in line and "ckpt/step_10.pt (removed)" in line
