"""Broken real code never crashes a check.

Mutants of torch's own sources (found without importing torch) and of the fixture scripts
(a deleted line, a cut, an inserted NUL/0xff/CR/..., mixed tabs, a dedent, a duplicated line)
must end with diagnostics, a WL000 or a one-line per-file error, in-process and through the
CLI with its process pool. Only correctness is asserted here; the time bound is checked by
`python benchmarks/mutate_real_code.py`, which also builds the mutants used below.
"""

from __future__ import annotations

import functools
import importlib.util
import sys

import pytest
from conftest import REPO, run_module, text_lines

from warmlint.config import Config
from warmlint.files.runner import PARALLEL_MIN_FILES, check_bytes

SEED = 0
TORCH_FILES = 8
MAX_BYTES = 16 * 1024
MUTANTS_PER_FILE = 3

if importlib.util.find_spec("torch") is None:  # finds the package; does not import it
    pytest.skip("torch is not installed: it provides the real code to mutate", allow_module_level=True)


def _load_mutator():
    path = REPO / "benchmarks" / "mutate_real_code.py"
    spec = importlib.util.spec_from_file_location("mutate_real_code", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


mutator = _load_mutator()


@functools.cache
def sources() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of small torch files, most of them ones the prefilter parses, and a third of the fixtures."""
    files = mutator.pick_torch_files(TORCH_FILES, SEED, MAX_BYTES) + mutator.fixture_scripts()[::3]
    return tuple((mutator.display_name(path), path.read_bytes()) for path in files)


def mutants(kind: str):
    """(how to rebuild it, bytes) of every mutant of this kind, the same on every run."""
    for name, original in sources():
        for number in range(MUTANTS_PER_FILE):
            key = mutator.mutant_key(SEED, name, number)
            data, description = mutator.mutate(original, kind, key)
            yield f"mutate(<{name}>, {kind!r}, {key!r}): {description}", data


@pytest.mark.slow  # mutates real files
def test_mutations_are_reproducible_and_change_the_code():
    name, original = sources()[0]
    for kind in mutator.MUTATIONS:
        key = mutator.mutant_key(SEED, name, 0)
        assert mutator.mutate(original, kind, key) == mutator.mutate(original, kind, key)
        changed = [data != original for _, data in mutants(kind)]
        assert sum(changed) > len(changed) // 2, kind


@pytest.mark.slow  # hundreds of mutants per kind: a long property run
@pytest.mark.parametrize("kind", sorted(mutator.MUTATIONS))
def test_mutants_end_in_an_allowed_outcome(kind):
    config = Config()
    failures, outcomes = [], set()
    for recipe, data in mutants(kind):
        result = check_bytes(data, "mutant.py", config)
        outcomes.add(mutator.outcome(result))
        failures += [f"{recipe}: {problem}" for problem in mutator.problems(result, data)]
    assert not failures, "\n".join(failures)
    assert outcomes & {"WL000", "diagnostics"}, "no mutant reached the parser's errors or the rules"


@pytest.mark.slow
def test_cli_over_a_folder_of_mutants(tmp_path):
    """Enough mutants for the process pool; the CLI reports what check_bytes reports, without a traceback."""
    kinds = sorted(mutator.MUTATIONS)
    written: dict[str, bytes] = {}
    for i, (name, original) in enumerate(sources() * 2):  # numbers from 100: other mutants than above
        data, _ = mutator.mutate(original, kinds[i % len(kinds)], mutator.mutant_key(SEED, name, 100 + i))
        written[f"m{i:03d}.py"] = data
        (tmp_path / f"m{i:03d}.py").write_bytes(data)
    assert len(written) >= PARALLEL_MIN_FILES

    done = run_module("check", "--no-cache", *sorted(written), cwd=tmp_path, timeout=300)

    assert not mutator.cli_problems(done), mutator.cli_problems(done)
    config = Config()
    expected = {
        (name, d.line, d.column, d.code)
        for name, data in written.items()
        for d in check_bytes(data, name, config).diagnostics
    }
    reported = {
        (m["path"], int(m["line"]), int(m["col"]), m["code"])
        for m in text_lines(done.stdout.decode("utf-8", errors="replace"))
    }
    assert reported == expected
    assert done.returncode == (1 if expected else 0)


def test_mutant_read_as_text_with_surrogateescape():
    """Text decoded with errors="surrogateescape" (as a tool embedding warmlint may read a file)."""
    name, original = sources()[0]
    data, _ = mutator.mutate(original, "insert-byte", mutator.mutant_key(SEED, name, 0))
    data += b"\n# \xff\n"
    text = data.decode("utf-8", errors="surrogateescape")
    result = check_bytes(text, "mutant.py", Config())
    assert not mutator.problems(result, data)
    assert mutator.outcome(result) == "WL000"
