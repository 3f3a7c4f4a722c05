"""warmlint on real code: every finding on the dev corpus is one a careful engineer would act on.

The judgements live in tests/corpus/labels.toml. The corpus itself (other people's code under
their own licenses) is not part of this repository: the test runs where it is found
(`WARMLINT_DEV_CORPUS`, or `shared/dev-corpus` beside the checkout) and is skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import REPO, run_module

LABELS = tomllib.loads((REPO / "tests" / "corpus" / "labels.toml").read_text(encoding="utf-8"))


class Finding(NamedTuple):
    path: str
    line: int
    code: str


def _corpus() -> Path | None:
    candidates = [
        os.environ.get("WARMLINT_DEV_CORPUS"),
        REPO.parent / "shared" / "dev-corpus",
        REPO.parent.parent / "shared" / "dev-corpus",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "MANIFEST.tsv").is_file():
            return Path(candidate)
    return None


CORPUS = _corpus()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CORPUS is None, reason="the dev corpus is not on this machine"),
]


def labelled(kind: str) -> dict[Finding, dict]:
    return {Finding(e["path"], e["line"], e["code"]): e for e in LABELS.get(kind, [])}


@pytest.fixture(scope="session")
def reported() -> set[Finding]:
    """What `warmlint check` reports over the corpus, as a user runs it (the byte prefilter included)."""
    assert CORPUS is not None
    result = run_module("check", "--no-cache", "--format", "json", ".", cwd=CORPUS, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    # a notebook's findings are named by cell: `tutorial.ipynb:cell 3`, line in the cell
    return {
        Finding(f["path"] + (f":cell {f['cell']}" if f.get("cell") else ""), f["line"], f["code"])
        for f in json.loads(result.stdout)
    }


def test_labels_are_well_formed():
    for kind in ("fire", "may-fire", "silent"):
        for entry in LABELS.get(kind, []):
            assert set(entry) <= {"path", "line", "code", "why", "missed"}, entry
            assert entry["why"], entry
    assert not set(labelled("fire")) & set(labelled("silent"))


def test_every_finding_on_real_code_has_been_judged_worth_acting_on(reported):
    allowed = set(labelled("fire")) | set(labelled("may-fire"))
    unjudged = sorted(reported - allowed)
    assert not unjudged, "findings nobody has judged (label them in tests/corpus/labels.toml):\n" + "\n".join(
        f"  {f.path}:{f.line} {f.code}" for f in unjudged
    )


def test_no_finding_judged_wrong_comes_back(reported):
    back = sorted(set(labelled("silent")) & reported)
    assert not back, "\n".join(f"{f.path}:{f.line} {f.code}: {labelled('silent')[f]['why']}" for f in back)


def test_every_pitfall_the_analysis_reads_is_found(reported):
    expected = {f for f, entry in labelled("fire").items() if "missed" not in entry}
    missing = sorted(expected - reported)
    assert not missing, "\n".join(f"{f.path}:{f.line} {f.code}: {labelled('fire')[f]['why']}" for f in missing)


def test_a_known_miss_that_is_now_found_gets_promoted(reported):
    promoted = sorted(f for f, entry in labelled("fire").items() if "missed" in entry and f in reported)
    assert not promoted, "now found, drop `missed` from: " + ", ".join(f"{f.path}:{f.line}" for f in promoted)
