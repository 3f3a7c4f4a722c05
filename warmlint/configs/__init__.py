"""Training configs in YAML and JSON files: read them, find the schedules they set up, judge and fix them.

reading (`yaml_reader`, `json_reader` -> `tree`) -> facts (`facts.ConfigSchedule`) -> each rule's
`config_check` (in its rule module, over `judging`) -> diagnostics (`check`) and fixes (`fix`). A
file is a config by its content: the byte prefilter (`may_be_config`) lets through only files
that can hold a schedule, and the facts layer recognises the forms it knows; any other YAML or
JSON file gives nothing.
"""

from __future__ import annotations

import re

SUFFIXES = (".yaml", ".yml", ".json")
# A training config is a few kilobytes; a YAML or JSON file above this is data, and is skipped.
MAX_CONFIG_BYTES = 1024 * 1024
# Every rule on configs starts from the schedule's key: `lr_scheduler_type`, axolotl's,
# torchtune's and Lightning CLI's `lr_scheduler`, or DeepSpeed's `"type": "Warmup...LR"`. A file
# whose bytes hold none of them as a key cannot give a finding and is not parsed: a substring test
# first (it rejects almost every file), then the key itself, with what may follow a quoted key.
_KEY = re.compile(rb"\blr_scheduler(?:_type)?[\"']?[ \t]*:|Warmup(?:Decay|Cosine)?LR\b")


def is_config_path(path: str) -> bool:
    return path.lower().endswith(SUFFIXES)


def is_json_path(path: str) -> bool:
    return path.lower().endswith(".json")


def may_be_config(data: bytes) -> bool:
    # Two substring tests, written out: a generator over a tuple of words costs more than the tests.
    words = b"lr_scheduler" in data or b"Warmup" in data
    return words and len(data) <= MAX_CONFIG_BYTES and _KEY.search(data) is not None


def read_limit_reason(size: int) -> str:
    """Why a file of `size` bytes is not read as a config ("" when it is read)."""
    if size > MAX_CONFIG_BYTES:
        return f"skipped: larger than {MAX_CONFIG_BYTES // 1024} kB, too large for a training config"
    return ""
